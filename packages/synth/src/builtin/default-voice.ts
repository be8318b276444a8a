/**
 * Writes the generated voicebanks as DiffSinger/OpenUtau folders: the built-in `default` voice, and
 * a test voice that turns on every optional input. The vocoder is bundled in `dsvocoder/`, which
 * OpenUtau prefers over the named vocoder package (DiffSingerSinger.getVocoder).
 *
 * Models are generated, never committed: `ensureDefaultVoice` writes them on first use and again
 * whenever the folder's `version` marker differs from DEFAULT_VOICE_VERSION.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { BankFiles } from "./voice-files";

/** Bump when the formant table or either graph changes, so existing installs regenerate. */
export const DEFAULT_VOICE_VERSION = "3";
export const DEFAULT_VOICE_NAME = "default";
export const VERSION_FILE = "version";
export const BUNDLED_VOCODER_NAME = "mini_studio_hnm";

function isNodeError(e: unknown, ...codes: string[]): boolean {
  return e instanceof Error && codes.includes((e as NodeJS.ErrnoException).code ?? "");
}

/**
 * Writes `files` into a temporary sibling folder, then renames it over `dir`, so readers never see
 * a half-written bank. An existing `dir` is moved aside first and removed afterwards.
 */
async function writeBankAtomically(dir: string, files: BankFiles): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.tmp-`));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await writeFile(join(tmp, path), content);
    }
    try {
      await rename(tmp, dir);
      return;
    } catch (e) {
      if (!isNodeError(e, "ENOTEMPTY", "EEXIST", "EPERM", "EISDIR")) throw e;
    }
    const old = join(dirname(dir), `.${basename(dir)}.old-${randomBytes(4).toString("hex")}`);
    await rename(dir, old).catch((e: unknown) => {
      if (!isNodeError(e, "ENOENT")) throw e;
    });
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another writer put its complete copy in place between our two renames: keep theirs.
      if (!isNodeError(e, "ENOTEMPTY", "EEXIST", "EPERM", "EISDIR")) throw e;
    }
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Writes the complete default bank folder at `dir` (replacing what is there). */
export async function writeDefaultVoice(dir: string): Promise<void> {
  const { defaultVoiceFiles } = await import("./voice-files");
  await writeBankAtomically(dir, defaultVoiceFiles());
}

/** Writes the test bank (every optional acoustic input, log10 mel) at `dir`. */
export async function writeTestVoice(dir: string): Promise<void> {
  const { testVoiceFiles } = await import("./voice-files");
  await writeBankAtomically(dir, testVoiceFiles());
}

async function installedVersion(dir: string): Promise<string | null> {
  try {
    const version = (await readFile(join(dir, VERSION_FILE), "utf8")).trim();
    // A marker without the models (a folder someone emptied) still needs regenerating.
    for (const file of ["dsconfig.yaml", "acoustic.onnx", "dsvocoder/vocoder.onnx"]) await stat(join(dir, file));
    return version;
  } catch (e) {
    if (isNodeError(e, "ENOENT", "ENOTDIR")) return null;
    throw e;
  }
}

const pending = new Map<string, Promise<{ dir: string; generated: boolean }>>();

/**
 * Makes sure `<voicesDir>/default` holds the current generated bank: writes it when it is missing,
 * incomplete or of another version. Concurrent calls in one process share one generation.
 */
export function ensureDefaultVoice(voicesDir: string): Promise<{ dir: string; generated: boolean }> {
  const dir = join(voicesDir, DEFAULT_VOICE_NAME);
  const running = pending.get(dir);
  if (running) return running;
  const job = (async () => {
    if ((await installedVersion(dir)) === DEFAULT_VOICE_VERSION) return { dir, generated: false };
    await writeDefaultVoice(dir);
    return { dir, generated: true };
  })().finally(() => pending.delete(dir));
  pending.set(dir, job);
  return job;
}
