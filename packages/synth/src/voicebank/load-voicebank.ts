/**
 * Loading a DiffSinger/OpenUtau voicebank folder (`storage/voices/<name>/`): its configs, phoneme
 * inventory, dictionaries, speakers, vocoder and ONNX models, all checked against each other so
 * that a bank that loads is a bank the pipeline can render with.
 *
 * Layout, as OpenUtau reads it (DiffSingerSinger.cs): dsconfig.yaml; the phonemes file and the
 * acoustic model it names; `<speaker>.emb` for each of its `speakers`; the vocoder in the bank's
 * own `dsvocoder/` folder, else the dependency folder its `vocoder` field names — here a folder
 * beside the bank in the same voices folder.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { InferenceSession } from "onnxruntime-node";
import { SynthError } from "../errors";
import { type Character, readCharacter } from "./character";
import { broken, existingFileInside, isFile, isPlainName, readConfig } from "./files";
import { type BankDictionary, bankPhonemeName, readDictionaries, readInventory, readLanguages } from "./inventory";
import { checkMelAgreement, type MelConversion, type MelSettings, melConversion, melSettings } from "./mel";
import { type AcousticSwitches, checkAcousticModel, checkVocoderModel, type DsConfigSwitches, openModel, type TensorInfo } from "./models";
import { type DsConfigFile, ZDsConfigSchema, ZVocoderConfigSchema } from "./schemas";

export type VoicebankConfig = DsConfigSwitches & {
  /**
   * Largest shallow-diffusion depth as a fraction 0..1 (OpenUtau: max_depth as written with
   * continuous acceleration, else max_depth / 1000 steps); null without variable depth.
   */
  maxDepth: number | null;
  /** augmentation_args.random_pitch_shifting.range in semitones, for the `gender` curve. */
  keyShiftRange: [number, number] | null;
  /** dsconfig.yaml as parsed, defaults filled in, unknown fields kept. */
  raw: DsConfigFile;
};

export type Speaker = { name: string; embedding: Float32Array };

export type VocoderInfo = {
  name: string;
  /** The folder holding vocoder.yaml: the bank's dsvocoder/ or a dependency folder beside it. */
  dir: string;
  modelPath: string;
  mel: MelSettings;
  pitchControllable: boolean;
  inputs: Record<string, TensorInfo>;
  session: InferenceSession;
};

export type Voicebank = {
  /** The folder name: the voice's id. */
  name: string;
  dir: string;
  displayName: string;
  author: string | null;
  /** Absolute path of the bank's image, when it names one that exists. */
  image: string | null;
  /** character.yaml's fields, when the bank has one. */
  character: Record<string, unknown>;
  config: VoicebankConfig;
  /** The acoustic model's mel settings (dsconfig.yaml). */
  mel: MelSettings;
  /** Multiply the acoustic mel by this before the vocoder (1 when both use the same log base). */
  melConversion: MelConversion;
  /** Phoneme → token id, as the acoustic model's `tokens` input counts them. */
  phonemes: ReadonlyMap<string, number>;
  /** Language → id for the `languages` input; empty unless use_lang_id. */
  languages: ReadonlyMap<string, number>;
  /** In dsconfig.yaml order; empty for a single-speaker bank. */
  speakers: readonly Speaker[];
  /** "" → dsdict.yaml, "en" → dsdict-en.yaml, ... */
  dictionaries: ReadonlyMap<string, BankDictionary>;
  acousticPath: string;
  acousticSession: InferenceSession;
  /** Each acoustic input's element type and dims (numbers, or names of dynamic axes; [] = scalar). */
  acousticInputs: Record<string, TensorInfo>;
  vocoder: VocoderInfo;
  /** The bank's token ids for pipeline phonemes (ARPAbet lower case, SP, AP). Throws UNKNOWN_PHONEME. */
  phonemeIds(phonemes: readonly string[], lang?: string): number[];
  /** The bank's own name for a pipeline phoneme (after replacements and the language prefix). */
  bankPhoneme(phoneme: string, lang?: string): string;
  /** The id for the `languages` input; 0 when the bank is not multi-language. */
  languageId(lang: string): number;
  /** One language id per token, as OpenUtau gives them: SP and AP get 0. */
  languageIds(phonemes: readonly string[], lang?: string): number[];
  /** The bank's dictionary entry for a word (bank phoneme names), or null. */
  lookupWord(word: string, lang?: string): readonly string[] | null;
  /** The dictionary OpenUtau would use for a language: dsdict-<lang>.yaml, else dsdict.yaml. */
  dictionaryFor(lang: string): BankDictionary | undefined;
  /** Frees both ONNX sessions. */
  release(): Promise<void>;
};

/** Everything but the models: what can be read and checked without onnxruntime. */
export type VoicebankFiles = Omit<
  Voicebank,
  "acousticSession" | "acousticInputs" | "vocoder" | "release"
> & {
  vocoderConfig: Omit<VocoderInfo, "inputs" | "session">;
  vocoderYamlLabel: string;
  /** Files whose change invalidates a model check (for listVoices' cache). */
  watched: string[];
};

const DEFAULT_LANG = "en";

function resolveConfig(voice: string, raw: DsConfigFile): VoicebankConfig {
  const useVariableDepth = raw.use_variable_depth ?? raw.use_shallow_diffusion ?? false;
  let maxDepth: number | null = null;
  if (useVariableDepth) {
    if (raw.max_depth === undefined) {
      throw broken(voice, "dsconfig.yaml: max_depth is required with use_variable_depth", { field: "max_depth" });
    }
    maxDepth = raw.use_continuous_acceleration ? raw.max_depth : raw.max_depth / 1000;
  }
  const range = raw.augmentation_args?.random_pitch_shifting?.range ?? null;
  if (raw.use_key_shift_embed && !range) {
    throw broken(voice, "dsconfig.yaml: augmentation_args.random_pitch_shifting.range is required with use_key_shift_embed", {
      field: "augmentation_args.random_pitch_shifting.range",
    });
  }
  return {
    useLangId: raw.use_lang_id,
    useKeyShiftEmbed: raw.use_key_shift_embed,
    useSpeedEmbed: raw.use_speed_embed,
    useEnergyEmbed: raw.use_energy_embed,
    useBreathinessEmbed: raw.use_breathiness_embed,
    useVoicingEmbed: raw.use_voicing_embed,
    useTensionEmbed: raw.use_tension_embed,
    useContinuousAcceleration: raw.use_continuous_acceleration,
    useVariableDepth,
    maxDepth,
    keyShiftRange: range,
    raw,
  };
}

async function readSpeakers(voice: string, dir: string, raw: DsConfigFile): Promise<Speaker[]> {
  if (!raw.speakers) return [];
  if (raw.speakers.length === 0) throw broken(voice, "dsconfig.yaml: speakers is an empty list", { field: "speakers" });
  const speakers: Speaker[] = [];
  for (const [i, name] of raw.speakers.entries()) {
    const file = `${name}.emb`;
    const path = await existingFileInside(voice, dir, file, `dsconfig.yaml: speakers[${i}]`);
    const bytes = await readFile(path);
    if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) {
      throw broken(voice, `${file} is ${bytes.byteLength} bytes, not a float32 vector`, { file });
    }
    // .emb files are the raw little-endian float32 bytes of the embedding (numpy tobytes()).
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const embedding = new Float32Array(bytes.byteLength / 4);
    for (let k = 0; k < embedding.length; k++) embedding[k] = view.getFloat32(k * 4, true);
    speakers.push({ name, embedding });
  }
  const size = raw.hidden_size ?? speakers[0]?.embedding.length;
  for (const s of speakers) {
    if (s.embedding.length !== size) {
      const source = raw.hidden_size !== undefined ? "dsconfig.yaml has hidden_size" : `${speakers[0]?.name}.emb has`;
      throw broken(voice, `${s.name}.emb has ${s.embedding.length} values, but ${source} ${size}`, { file: `${s.name}.emb` });
    }
  }
  return speakers;
}

async function locateVocoder(voice: string, dir: string, raw: DsConfigFile): Promise<{ dir: string; label: string }> {
  const own = join(dir, "dsvocoder");
  if (await isFile(join(own, "vocoder.yaml"))) return { dir: own, label: "dsvocoder/vocoder.yaml" };
  if (!raw.vocoder) {
    throw broken(voice, "there is no dsvocoder/vocoder.yaml and dsconfig.yaml names no vocoder", {
      field: "vocoder",
      missing: "dsvocoder/vocoder.yaml",
    });
  }
  if (!isPlainName(raw.vocoder) || raw.vocoder === basename(dir)) {
    throw broken(voice, `dsconfig.yaml: vocoder is "${raw.vocoder}", which is not the name of another folder in the voices folder`, {
      field: "vocoder",
    });
  }
  const dep = join(dirname(dir), raw.vocoder);
  if (!(await isFile(join(dep, "vocoder.yaml")))) {
    throw broken(
      voice,
      `no vocoder: there is no dsvocoder/vocoder.yaml, and dsconfig.yaml names vocoder "${raw.vocoder}" but ${raw.vocoder}/vocoder.yaml does not exist in the voices folder`,
      { field: "vocoder", missing: `${raw.vocoder}/vocoder.yaml` },
    );
  }
  return { dir: dep, label: `${raw.vocoder}/vocoder.yaml` };
}

/** Reads and cross-checks everything except the ONNX models. */
export async function readVoicebankFiles(bankDir: string): Promise<VoicebankFiles> {
  const dir = resolve(bankDir);
  const voice = basename(dir);
  const configPath = join(dir, "dsconfig.yaml");
  if (!(await isFile(configPath))) throw broken(voice, "dsconfig.yaml does not exist", { missing: "dsconfig.yaml" });
  const raw = await readConfig(voice, configPath, "dsconfig.yaml", ZDsConfigSchema, "yaml");
  const config = resolveConfig(voice, raw);
  const character: Character = await readCharacter(voice, dir);

  const phonemesPath = await existingFileInside(voice, dir, raw.phonemes, "dsconfig.yaml: phonemes");
  const phonemes = await readInventory(voice, phonemesPath, raw.phonemes);
  let languages = new Map<string, number>();
  if (config.useLangId) {
    const file = raw.languages ?? "languages.json";
    languages = await readLanguages(voice, await existingFileInside(voice, dir, file, "dsconfig.yaml: languages"), file);
  }
  const dictionaries = await readDictionaries(voice, dir);
  const speakers = await readSpeakers(voice, dir, raw);
  const acousticPath = await existingFileInside(voice, dir, raw.acoustic, "dsconfig.yaml: acoustic");

  const located = await locateVocoder(voice, dir, raw);
  const vocoderYaml = await readConfig(voice, join(located.dir, "vocoder.yaml"), located.label, ZVocoderConfigSchema, "yaml");
  const modelField = `${located.label}: model`;
  const vocoderModelPath = await existingFileInside(voice, located.dir, vocoderYaml.model, modelField);
  const mel = melSettings(raw);
  const vocoderMel = melSettings(vocoderYaml);
  checkMelAgreement(voice, mel, vocoderMel, located.label);

  const dictionaryFor = (lang: string) => dictionaries.get(lang) ?? dictionaries.get("");
  const bankPhoneme = (phoneme: string, lang = DEFAULT_LANG) =>
    bankPhonemeName(phoneme, lang, config.useLangId, dictionaryFor(lang));
  const languageId = (lang: string): number => {
    if (!config.useLangId) return 0;
    const id = languages.get(lang);
    if (id === undefined) {
      throw new SynthError(
        "INVALID_INPUT",
        `Voice "${voice}" does not sing language "${lang}" (it has: ${[...languages.keys()].join(", ")})`,
        { voice, lang, languages: [...languages.keys()] },
      );
    }
    return id;
  };

  return {
    name: voice,
    dir,
    displayName: character.displayName,
    author: character.author,
    image: character.image,
    character: character.extra,
    config,
    mel,
    melConversion: melConversion(mel, vocoderMel),
    phonemes,
    languages,
    speakers,
    dictionaries,
    acousticPath,
    vocoderConfig: {
      name: vocoderYaml.name,
      dir: located.dir,
      modelPath: vocoderModelPath,
      mel: vocoderMel,
      pitchControllable: vocoderYaml.pitch_controllable ?? false,
    },
    vocoderYamlLabel: located.label,
    watched: [
      configPath,
      join(located.dir, "vocoder.yaml"),
      acousticPath,
      vocoderModelPath,
      ...speakers.map((s) => join(dir, `${s.name}.emb`)),
    ],
    dictionaryFor,
    bankPhoneme,
    phonemeIds(list, lang = DEFAULT_LANG) {
      return list.map((p) => {
        const name = bankPhoneme(p, lang);
        const id = phonemes.get(name);
        if (id === undefined) {
          const via = name === p ? "" : ` (from "${p}")`;
          throw new SynthError("UNKNOWN_PHONEME", `Voice "${voice}" has no phoneme "${name}"${via} in ${raw.phonemes}`, {
            voice,
            phoneme: p,
            bankPhoneme: name,
            lang,
          });
        }
        return id;
      });
    },
    languageId,
    languageIds(list, lang = DEFAULT_LANG) {
      return list.map((p) => {
        const name = bankPhoneme(p, lang);
        const slash = name.indexOf("/");
        return slash > 0 ? languageId(name.slice(0, slash)) : 0;
      });
    },
    lookupWord(word, lang = DEFAULT_LANG) {
      const entries = dictionaryFor(lang)?.entries;
      return entries?.get(word) ?? entries?.get(word.toLowerCase()) ?? null;
    },
  };
}

function switches(files: VoicebankFiles): AcousticSwitches {
  return { ...files.config, hasSpeakers: files.speakers.length > 0 };
}

/** How the ONNX sessions run; the options given are laid over SESSION_DEFAULTS. */
export type LoadVoicebankOptions = { sessionOptions?: InferenceSession.SessionOptions };

/**
 * One thread per session unless the caller asks for more. onnxruntime's default is a pool per
 * session with a thread per core that spins while it waits; with two sessions, and jobs singing
 * side by side, those pools fight each other and every other process for the cores. On a busy
 * 2-core machine the built-in voice sang 60 s in 0.4–1.7 s with the default pools against 0.2–0.5 s
 * with one thread (bench/synth). Songs scale by rendering side by side, not by splitting one.
 */
export const SESSION_DEFAULTS: Readonly<InferenceSession.SessionOptions> = { intraOpNumThreads: 1, interOpNumThreads: 1 };

/** Opens both models and checks them against the files; releases them again on failure. */
export async function openVoicebankModels(files: VoicebankFiles, opts: LoadVoicebankOptions = {}): Promise<Voicebank> {
  const voice = files.name;
  const acousticLabel = files.config.raw.acoustic;
  const vocoderLabel = `${files.vocoderYamlLabel.replace(/vocoder\.yaml$/, "")}${basename(files.vocoderConfig.modelPath)}`;
  const sessionOptions = { ...SESSION_DEFAULTS, ...opts.sessionOptions };
  const acoustic = await openModel(voice, files.acousticPath, acousticLabel, sessionOptions);
  let vocoder: Awaited<ReturnType<typeof openModel>> | null = null;
  try {
    checkAcousticModel(voice, acousticLabel, acoustic, switches(files), files.mel.numMelBins);
    const spk = acoustic.inputs.spk_embed?.dims.at(-1);
    const embedSize = files.speakers[0]?.embedding.length;
    if (typeof spk === "number" && embedSize !== undefined && spk !== embedSize) {
      throw broken(voice, `${acousticLabel} takes speaker embeddings of ${spk} values, but the .emb files have ${embedSize}`, {
        file: acousticLabel,
      });
    }
    vocoder = await openModel(voice, files.vocoderConfig.modelPath, vocoderLabel, sessionOptions);
    checkVocoderModel(voice, vocoderLabel, vocoder, files.vocoderConfig.mel.numMelBins, files.vocoderYamlLabel);
  } catch (e) {
    await Promise.all([acoustic.session.release(), vocoder?.session.release()]);
    throw e;
  }
  const { vocoderConfig, vocoderYamlLabel: _label, watched: _watched, ...rest } = files;
  const vocoderSession = vocoder.session;
  return {
    ...rest,
    acousticSession: acoustic.session,
    acousticInputs: acoustic.inputs,
    vocoder: { ...vocoderConfig, inputs: vocoder.inputs, session: vocoderSession },
    async release() {
      await Promise.all([acoustic.session.release(), vocoderSession.release()]);
    },
  };
}

/** Loads and fully checks the bank in `dir`. Throws SynthError BROKEN_VOICEBANK naming the problem. */
export async function loadVoicebank(dir: string, opts: LoadVoicebankOptions = {}): Promise<Voicebank> {
  return openVoicebankModels(await readVoicebankFiles(dir), opts);
}

/** A cheap fingerprint of the files a model check depends on. */
export async function fingerprint(files: VoicebankFiles): Promise<string> {
  const stats = await Promise.all(files.watched.map((p) => stat(p).then((s) => `${p}:${s.size}:${s.mtimeMs}`)));
  return stats.join("|");
}
