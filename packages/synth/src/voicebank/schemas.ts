/**
 * The files of a DiffSinger/OpenUtau voicebank, as zod schemas. Field names and defaults follow
 * OpenUtau: OpenUtau.Core/DiffSinger/DiffSingerConfig.cs (DsConfig), DiffSingerVocoder.cs
 * (DsVocoderConfig), Api/G2pDictionaryData.cs plus the `replacements` of DiffSingerG2pPhonemizer.cs,
 * and Classic/VoicebankConfig.cs (character.yaml). Unknown fields are kept (loose objects); a field
 * of the wrong type is refused, and the caller names it.
 */
import { z } from "zod";

// YAML reads `mel_base: 10` as a number; DiffSinger's exporter writes it as str(...) but
// hand-edited banks often don't quote it.
const ZMelBase = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.enum(["e", "10"]));
const ZMelScale = z.enum(["slaney", "htk"]);
const positiveInt = z.number().int().positive();

/** The mel settings both dsconfig.yaml and vocoder.yaml carry, with OpenUtau's defaults. */
const melFields = {
  sample_rate: positiveInt.default(44100),
  hop_size: positiveInt.default(512),
  win_size: positiveInt.default(2048),
  fft_size: positiveInt.default(2048),
  num_mel_bins: positiveInt.default(128),
  mel_fmin: z.number().nonnegative().default(40),
  mel_fmax: z.number().positive().default(16000),
  // OpenUtau defaults both to "10": banks exported before the field existed used log10 mels.
  mel_base: ZMelBase.default("10"),
  mel_scale: ZMelScale.default("slaney"),
};

export const ZDsConfigSchema = z.looseObject({
  phonemes: z.string().min(1).default("phonemes.txt"),
  acoustic: z.string().min(1),
  vocoder: z.string().min(1).optional(),
  languages: z.string().min(1).optional(),
  use_lang_id: z.boolean().default(false),
  speakers: z.array(z.string().min(1)).optional(),
  hidden_size: positiveInt.optional(),
  use_key_shift_embed: z.boolean().default(false),
  use_speed_embed: z.boolean().default(false),
  use_energy_embed: z.boolean().default(false),
  use_breathiness_embed: z.boolean().default(false),
  use_voicing_embed: z.boolean().default(false),
  use_tension_embed: z.boolean().default(false),
  use_continuous_acceleration: z.boolean().default(false),
  use_variable_depth: z.boolean().optional(),
  /** Older name of use_variable_depth (OpenUtau coalesces the two). */
  use_shallow_diffusion: z.boolean().optional(),
  max_depth: z.number().nonnegative().optional(),
  augmentation_args: z
    .looseObject({
      random_pitch_shifting: z.looseObject({ range: z.tuple([z.number(), z.number()]).optional() }).optional(),
    })
    .optional(),
  ...melFields,
});
export type DsConfigFile = z.infer<typeof ZDsConfigSchema>;

export const ZVocoderConfigSchema = z.looseObject({
  name: z.string().min(1).default("vocoder"),
  model: z.string().min(1).default("model.onnx"),
  pitch_controllable: z.boolean().optional(),
  ...melFields,
});
export type VocoderConfigFile = z.infer<typeof ZVocoderConfigSchema>;

export const ZCharacterYamlSchema = z.looseObject({
  name: z.string().optional(),
  author: z.string().optional(),
  image: z.string().optional(),
  portrait: z.string().optional(),
  voice: z.string().optional(),
  web: z.string().optional(),
  version: z.string().optional(),
  default_phonemizer: z.string().optional(),
  singer_type: z.string().optional(),
});
export type CharacterYamlFile = z.infer<typeof ZCharacterYamlSchema>;

/**
 * dsdict.yaml. It is parsed with YAML's failsafe schema, so every scalar is a string (a grapheme
 * `no`, `null` or `1` stays that text) and the schema only checks the structure.
 */
// Under the failsafe schema an empty section (`entries:` with nothing after it) reads as "".
const section = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === "" ? null : v), z.array(item).nullish());

export const ZDsDictSchema = z.looseObject({
  symbols: section(z.looseObject({ symbol: z.string().min(1), type: z.string() })),
  entries: section(z.looseObject({ grapheme: z.string(), phonemes: z.array(z.string().min(1)) })),
  replacements: section(z.looseObject({ from: z.string().min(1), to: z.string().min(1) })),
});
export type DsDictFile = z.infer<typeof ZDsDictSchema>;

/** phonemes.json and languages.json: name → id. */
export const ZIdMapSchema = z.record(z.string().min(1), z.number().int().nonnegative());

/** "hop_size: Invalid input: expected number, received string" for each issue, joined. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** The first field a zod error is about, for the error details. */
export function firstIssueField(error: z.ZodError): string | undefined {
  const path = error.issues[0]?.path;
  return path && path.length > 0 ? path.map(String).join(".") : undefined;
}
