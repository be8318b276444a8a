import { z } from "zod";
import { type BlockProcessor, streamingEffect } from "./define";

/** Note values as fractions of a whole note: d = dotted (× 1.5), t = triplet (× 2/3). */
const NOTE_WHOLE_NOTES = {
  "1/1": 1,
  "1/2": 1 / 2,
  "1/4": 1 / 4,
  "1/8": 1 / 8,
  "1/16": 1 / 16,
  "1/4d": 3 / 8,
  "1/8d": 3 / 16,
  "1/4t": 1 / 6,
  "1/8t": 1 / 12,
} as const;

type NoteValue = keyof typeof NOTE_WHOLE_NOTES;
const NOTE_VALUES = Object.keys(NOTE_WHOLE_NOTES) as [NoteValue, ...NoteValue[]];

export const ZDelayEffectSchema = z
  .object({
    type: z.literal("delay"),
    time_ms: z.number().min(1).max(4000).default(375).describe("time between echoes, in ms (ignored when bpm and note are given)"),
    bpm: z.number().min(20).max(300).optional().describe("tempo to sync the echoes to, with note"),
    note: z.enum(NOTE_VALUES).optional().describe('note value of the echo time at bpm: "1/4", "1/8d" (dotted), "1/8t" (triplet), ...'),
    feedback: z.number().min(0).max(0.95).default(0.35).describe("share of each echo fed back into the next, 0 to 0.95"),
    mix: z.number().min(0).max(1).default(0.3).describe("echo level; the direct signal plays at 1 − mix"),
    ping_pong: z.boolean().default(false).describe("bounce echoes between left and right (stereo only)"),
    tone_hz: z.number().min(200).max(20_000).optional().describe("lowpass corner on the feedback path, in Hz: each echo darker than the last; none when omitted"),
  })
  .refine((p) => (p.bpm === undefined) === (p.note === undefined), { message: "bpm and note go together", path: ["note"] });

export type DelayParams = z.infer<typeof ZDelayEffectSchema>;

/** The echo time in ms: `bpm` and `note` when both are given (a quarter note is one beat), else `time_ms`. */
export function delayTimeMs(params: Pick<DelayParams, "time_ms" | "bpm" | "note">): number {
  if (params.bpm === undefined || params.note === undefined) return params.time_ms;
  return (60_000 / params.bpm) * 4 * NOTE_WHOLE_NOTES[params.note];
}

/**
 * Echoes at a whole number of samples; echo n (n ≥ 1) of an impulse has amplitude
 * mix · feedback^(n−1) without the tone filter. Ping-pong feeds both channels' sum into the left
 * line, the left line into the right and back, so echoes alternate sides.
 *
 * The direct signal plays at 1 − mix and the echoes add on top, as on a delay pedal: a sustained
 * 0 dBFS tone whose period divides the echo time can build up to (1 − mix) + mix / (1 − feedback)
 * (1.16 at the defaults); put a limiter after the delay when that matters.
 */
export const delayEffect = streamingEffect({
  type: "delay",
  schema: ZDelayEffectSchema,
  create(params, { sampleRate, channels }) {
    // Synced times can exceed time_ms's range (a whole note at 20 bpm is 12 s); the line just grows.
    const delay = Math.max(1, Math.round((delayTimeMs(params) * sampleRate) / 1000));
    const wet = params.mix;
    const dry = 1 - params.mix;
    const fb = params.feedback;
    // One-pole lowpass y += (1 − p)(x − y), p = exp(−2π fc / fs); a = 1 − p, 1 = no filter.
    const a = params.tone_hz === undefined ? 1 : 1 - Math.exp((-2 * Math.PI * params.tone_hz) / sampleRate);
    if (params.ping_pong && channels === 2) return pingPong(delay, dry, wet, fb, a);
    const lines = Array.from({ length: channels }, () => new Float32Array(delay));
    const state = new Float64Array(channels);
    let index = 0;
    return (chs, start, end) => {
      // Every channel's ring moves in step, so each call returns the same next position.
      let next = index;
      for (let c = 0; c < chs.length; c++) next = echoLine(chs[c]!, start, end, lines[c]!, index, state, c, dry, wet, fb, a);
      index = next;
    };
  },
});

/** Feedback delay over x[start, end) in place, from ring position `index`; returns the new one. */
function echoLine(x: Float32Array, start: number, end: number, line: Float32Array, index: number, state: Float64Array, slot: number, dry: number, wet: number, fb: number, a: number): number {
  const len = line.length;
  let idx = index;
  let lp = state[slot]!;
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + (len - idx));
    for (; i < stop; i++, idx++) {
      const echo = line[idx]!;
      lp += a * (echo - lp);
      const input = x[i]!;
      line[idx] = input + fb * lp + DENORMAL_GUARD;
      x[i] = dry * input + wet * echo;
    }
    if (idx === len) idx = 0;
  }
  state[slot] = lp;
  return idx;
}

/** Added to what enters the line so that a fading loop never reaches float32 subnormals (−480 dB). */
const DENORMAL_GUARD = 1e-24;

function pingPong(delay: number, dry: number, wet: number, fb: number, a: number): BlockProcessor {
  const left = new Float32Array(delay);
  const right = new Float32Array(delay);
  let idx = 0;
  let lpL = 0;
  let lpR = 0;
  return (chs, start, end) => {
    const xl = chs[0]!;
    const xr = chs[1]!;
    let i = start;
    while (i < end) {
      const stop = Math.min(end, i + (delay - idx));
      for (; i < stop; i++, idx++) {
        const el = left[idx]!;
        const er = right[idx]!;
        lpL += a * (el - lpL);
        lpR += a * (er - lpR);
        const l = xl[i]!;
        const r = xr[i]!;
        left[idx] = 0.5 * (l + r) + fb * lpR + DENORMAL_GUARD;
        right[idx] = fb * lpL + DENORMAL_GUARD;
        xl[i] = dry * l + wet * el;
        xr[i] = dry * r + wet * er;
      }
      if (idx === delay) idx = 0;
    }
  };
}
