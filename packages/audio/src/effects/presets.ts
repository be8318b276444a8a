import { z } from "zod";
import { ZEffectChainSchema, type Effect, type EffectInput } from "./catalog";
import { EFFECT_PRESET_NAMES, type EffectPresetName } from "./preset-names";

/**
 * Starting points a musician can use as they are or copy and adjust. Each is an ordinary chain,
 * parsed by the same schema as a user's, so defaults fill in whatever a preset leaves out.
 */
const PRESETS = {
  /** A lead vocal, ready to sit in a mix: rumble out, sibilance tamed, presence and air, a small room. */
  vocal_polish: [
    { type: "highpass", freq_hz: 80 },
    { type: "deesser", freq_hz: 6500, threshold_db: -28 },
    {
      type: "eq",
      bands: [
        { kind: "peaking", freq_hz: 300, gain_db: -2, q: 1 },
        { kind: "peaking", freq_hz: 3500, gain_db: 2.5, q: 0.9 },
        { kind: "high_shelf", freq_hz: 10000, gain_db: 2, q: 0.7 },
      ],
    },
    { type: "compressor", threshold_db: -20, ratio: 3, knee_db: 6, attack_ms: 5, release_ms: 80, makeup_db: 3 },
    { type: "reverb", room_size: 0.35, damping: 0.6, wet: 0.04, dry: 1 },
    { type: "limiter", ceiling_db: -1 },
  ],
  /** Broadcast-loud: tight low end, firm compression, limited to -1 dBTP at -14 LUFS. */
  radio: [
    { type: "highpass", freq_hz: 40 },
    { type: "compressor", threshold_db: -24, ratio: 4, knee_db: 6, attack_ms: 10, release_ms: 150, makeup_db: 4 },
    {
      type: "eq",
      bands: [
        { kind: "low_shelf", freq_hz: 120, gain_db: 1.5, q: 0.7 },
        { kind: "peaking", freq_hz: 2500, gain_db: 1.5, q: 1 },
      ],
    },
    { type: "normalize", mode: "loudness", target_lufs: -14, ceiling_dbtp: -1 },
  ],
  /** A large, dark hall; the limiter keeps a loud source from clipping under its tail. */
  hall: [
    { type: "reverb", room_size: 0.88, damping: 0.35, wet: 0.2, dry: 0.8, width: 1, pre_delay_ms: 30 },
    { type: "limiter", ceiling_db: -1 },
  ],
  /** Worn tape and a small speaker: narrow band, squashed, a little wobble. */
  lofi: [
    { type: "highpass", freq_hz: 150 },
    { type: "lowpass", freq_hz: 4500 },
    { type: "compressor", threshold_db: -26, ratio: 6, knee_db: 6, attack_ms: 15, release_ms: 200, makeup_db: 6 },
    { type: "chorus", rate_hz: 0.3, depth_ms: 1.5, delay_ms: 8, mix: 0.3, voices: 1 },
    { type: "limiter", ceiling_db: -1 },
  ],
  /** Spoken word: rumble out, de-essed, evened out, at the -16 LUFS that podcast platforms expect. */
  podcast: [
    { type: "highpass", freq_hz: 80 },
    { type: "deesser", freq_hz: 6000, threshold_db: -30 },
    { type: "compressor", threshold_db: -24, ratio: 4, knee_db: 6, attack_ms: 5, release_ms: 120, makeup_db: 4 },
    { type: "eq", bands: [{ kind: "peaking", freq_hz: 3000, gain_db: 2, q: 1 }] },
    { type: "normalize", mode: "loudness", target_lufs: -16, ceiling_dbtp: -1 },
  ],
} satisfies Record<EffectPresetName, EffectInput[]>;

export const ZEffectPresetNameSchema = z.enum(EFFECT_PRESET_NAMES);

const parsed = new Map<EffectPresetName, Effect[]>();

/** A preset as a parsed chain (defaults filled in), parsed on first use rather than at import. */
export function effectPreset(name: EffectPresetName): Effect[] {
  let chain = parsed.get(name);
  if (!chain) {
    chain = ZEffectChainSchema.parse(PRESETS[name]);
    parsed.set(name, chain);
  }
  return chain;
}

/** A chain the user wrote that the schema refuses; the message says what and where. */
export class EffectChainError extends Error {
  override readonly name = "EffectChainError";
}

/**
 * A chain from text, as the CLI takes it: a preset's name, or a JSON array of effects.
 * Throws EffectChainError with a readable message.
 */
export function resolveEffectChain(text: string): Effect[] {
  const name = text.trim();
  if ((EFFECT_PRESET_NAMES as readonly string[]).includes(name)) return effectPreset(name as EffectPresetName);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EffectChainError(`The chain is neither a preset (${EFFECT_PRESET_NAMES.join(", ")}) nor valid JSON.`);
  }
  return parseEffectChain(json);
}

/** Parses a chain with the shared schema. Throws EffectChainError naming every problem. */
export function parseEffectChain(input: unknown): Effect[] {
  const parsed = ZEffectChainSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new EffectChainError(`The effect chain is not valid:\n${z.prettifyError(parsed.error)}`);
}
