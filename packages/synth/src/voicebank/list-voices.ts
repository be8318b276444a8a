/**
 * The voices folder (`storage/voices/`): each subfolder with a dsconfig.yaml is a voice; folders
 * without one (shared vocoders) are dependencies, not voices.
 */
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { SynthError } from "../errors";
import { isDirectory, isFile, isPlainName } from "./files";
import { fingerprint, loadVoicebank, openVoicebankModels, readVoicebankFiles, type Voicebank, type LoadVoicebankOptions } from "./load-voicebank";

export type VoiceListing =
  | {
      name: string;
      status: "ok";
      displayName: string;
      author: string | null;
      /** languages.json's languages for a multi-language bank, else those of its dsdict-<lang>.yaml files. */
      languages: string[];
      sampleRate: number;
      /** Absolute path of the bank's image, when it has one. */
      image: string | null;
    }
  | { name: string; status: "broken"; reason: string };

/**
 * Opening real models takes a while and a good deal of memory, so a listing remembers each
 * bank's model check until one of the files it depends on changes (size or mtime).
 */
const modelChecks = new Map<string, { fingerprint: string; error: string | null }>();

async function voiceFolders(voicesDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(voicesDir);
  } catch {
    return [];
  }
  const voices: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith(".")) continue;
    const dir = join(voicesDir, name);
    if ((await isDirectory(dir)) && (await isFile(join(dir, "dsconfig.yaml")))) voices.push(name);
  }
  return voices;
}

async function checkModels(dir: string, files: Awaited<ReturnType<typeof readVoicebankFiles>>): Promise<string | null> {
  const print = await fingerprint(files);
  const cached = modelChecks.get(dir);
  if (cached?.fingerprint === print) return cached.error;
  let error: string | null = null;
  try {
    const bank = await openVoicebankModels(files);
    await bank.release();
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    error = e.message;
  }
  modelChecks.set(dir, { fingerprint: print, error });
  return error;
}

async function listOne(voicesDir: string, name: string): Promise<VoiceListing> {
  const dir = join(voicesDir, name);
  try {
    const files = await readVoicebankFiles(dir);
    const modelError = await checkModels(dir, files);
    if (modelError) return { name, status: "broken", reason: modelError };
    const languages =
      files.languages.size > 0
        ? [...files.languages].sort((a, b) => a[1] - b[1]).map(([lang]) => lang)
        : [...files.dictionaries.keys()].filter((lang) => lang !== "").sort();
    return {
      name,
      status: "ok",
      displayName: files.displayName,
      author: files.author,
      languages,
      sampleRate: files.mel.sampleRate,
      image: files.image,
    };
  } catch (e) {
    // One bad folder must not hide the others; anything but a SynthError is a reading failure
    // of the folder itself (permissions, a file vanishing mid-read).
    return { name, status: "broken", reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Every voice in the folder, sorted by name; a broken bank is listed with its reason. */
export async function listVoices(voicesDir: string): Promise<VoiceListing[]> {
  const root = resolve(voicesDir);
  const listings: VoiceListing[] = [];
  // One bank at a time: each model check may hold hundreds of megabytes.
  for (const name of await voiceFolders(root)) listings.push(await listOne(root, name));
  return listings;
}

/** Loads the voice `name` from the voices folder. Throws UNKNOWN_VOICE or BROKEN_VOICEBANK. */
export async function loadVoice(voicesDir: string, name: string, opts: LoadVoicebankOptions = {}): Promise<Voicebank> {
  const root = resolve(voicesDir);
  const dir = join(root, name);
  if (!isPlainName(name) || !(await isDirectory(dir)) || !(await isFile(join(dir, "dsconfig.yaml")))) {
    const available = await voiceFolders(root);
    const list = available.length > 0 ? available.join(", ") : "none";
    throw new SynthError("UNKNOWN_VOICE", `There is no voice ${JSON.stringify(name)} (available: ${list})`, { voice: name, available });
  }
  return loadVoicebank(dir, opts);
}
