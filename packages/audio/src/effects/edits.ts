import { z } from "zod";
import { type AudioBuffer } from "../types";
import { streamingEffect, wholeEffect } from "./define";

// Positions are bounded by a day: far beyond any file the studio accepts, and still exact in frames.
const MAX_POSITION_S = 86_400;

export const ZTrimEffectSchema = z
  .object({
    type: z.literal("trim"),
    start_s: z.number().min(0).max(MAX_POSITION_S).default(0).describe("where the kept part starts, in seconds from the start of the file"),
    end_s: z
      .number()
      .min(0)
      .max(MAX_POSITION_S)
      .optional()
      .describe("where the kept part ends, in seconds from the start of the file; past the end means the end"),
    duration_s: z.number().min(0).max(MAX_POSITION_S).optional().describe("length of the kept part in seconds, instead of end_s"),
  })
  .refine((p) => p.end_s === undefined || p.duration_s === undefined, { message: "give end_s or duration_s, not both", path: ["duration_s"] })
  .refine((p) => p.end_s === undefined || p.end_s >= p.start_s, { message: "end_s must not be before start_s", path: ["end_s"] });

/**
 * Keeps frames [round(start_s·fs), round(end_s·fs)), clamped to the file. A start at or past the end
 * of the file gives an empty signal (zero frames, same channels), never an error or a negative
 * length: the file's length is not known when the parameters are checked. With neither end_s nor
 * duration_s the part runs to the end of the file.
 */
export const trimEffect = wholeEffect({
  type: "trim",
  schema: ZTrimEffectSchema,
  apply(audio, { start_s, end_s, duration_s }) {
    const frames = audio.channels[0]?.length ?? 0;
    const sr = audio.sampleRate;
    const first = Math.min(frames, Math.round(start_s * sr));
    const requestedEnd =
      end_s !== undefined ? Math.round(end_s * sr) : duration_s !== undefined ? Math.round(start_s * sr) + Math.round(duration_s * sr) : frames;
    const last = Math.max(first, Math.min(frames, requestedEnd));
    if (first === 0 && last === frames) return audio;
    // A copy, not a view, so the rest of the file can be freed.
    return { sampleRate: sr, channels: audio.channels.map((ch) => ch.slice(first, last)) };
  },
});

export const FADE_SHAPES = ["linear", "exponential", "logarithmic", "s_curve", "equal_power"] as const;
export type FadeShape = (typeof FADE_SHAPES)[number];

// The exponential fade rises 60 dB, linear in dB, then drops its floor so that it starts at 0.
const EXP_RANGE_DB = 60;
const EXP_FLOOR = 10 ** (-EXP_RANGE_DB / 20);

/**
 * Gain of a fade-in at t ∈ [0, 1] (0 at the start of the fade, 1 at its end); a fade-out is its
 * mirror image in time. The shapes are sox's `fade` types:
 * - linear (sox t): t
 * - exponential (sox l, over 60 dB not 100): (10^(3·(t−1)) − 10⁻³)/(1 − 10⁻³), slow then fast, linear in dB
 * - logarithmic (sox p, inverted parabola): 1 − (1 − t)², fast then slow
 * - s_curve (sox h, half a cosine): (1 − cos πt)/2
 * - equal_power (sox q, quarter sine): sin(πt/2); a fade-out and fade-in crossfade at constant power
 */
export function fadeGain(shape: FadeShape, t: number): number {
  const x = t <= 0 ? 0 : t >= 1 ? 1 : t;
  switch (shape) {
    case "linear":
      return x;
    case "exponential":
      return (10 ** ((EXP_RANGE_DB / 20) * (x - 1)) - EXP_FLOOR) / (1 - EXP_FLOOR);
    case "logarithmic":
      return 1 - (1 - x) * (1 - x);
    case "s_curve":
      return (1 - Math.cos(Math.PI * x)) / 2;
    case "equal_power":
      return Math.sin((Math.PI / 2) * x);
  }
}

/**
 * Multiplies ch[from + k·dir] by fadeGain(shape, (t0 + k)/length) for k in [0, count): a run of the
 * curve at consecutive steps. The curve is evaluated by recurrence (an increment, a ratio, or a
 * rotating phasor), started exactly from fadeGain at each run so no error builds up across blocks.
 */
function applyFadeRun(ch: Float32Array, from: number, dir: 1 | -1, count: number, t0: number, length: number, shape: FadeShape): void {
  const step = 1 / length;
  let t = t0 * step;
  let p = from;
  switch (shape) {
    case "linear":
      for (let k = 0; k < count; k++, p += dir, t += step) ch[p]! *= t;
      return;
    case "logarithmic":
      for (let k = 0; k < count; k++, p += dir, t += step) ch[p]! *= 1 - (1 - t) * (1 - t);
      return;
    case "exponential": {
      const ratio = 10 ** ((EXP_RANGE_DB / 20) * step);
      let raw = 10 ** ((EXP_RANGE_DB / 20) * (t - 1));
      const scale = 1 / (1 - EXP_FLOOR);
      for (let k = 0; k < count; k++, p += dir, raw *= ratio) ch[p]! *= (raw - EXP_FLOOR) * scale;
      return;
    }
    case "s_curve":
    case "equal_power": {
      // cos θ and sin θ advanced by a rotation of dθ per frame.
      const dTheta = shape === "s_curve" ? Math.PI * step : (Math.PI / 2) * step;
      const cd = Math.cos(dTheta);
      const sd = Math.sin(dTheta);
      let c = Math.cos(dTheta * t0);
      let s = Math.sin(dTheta * t0);
      const sCurve = shape === "s_curve";
      for (let k = 0; k < count; k++, p += dir) {
        ch[p]! *= sCurve ? (1 - c) / 2 : s;
        const nc = c * cd - s * sd;
        s = s * cd + c * sd;
        c = nc;
      }
      return;
    }
  }
}

const fadeDuration = z.number().min(0).max(600).default(1).describe("length of the fade in seconds");
const fadeShape = z
  .enum(FADE_SHAPES)
  .default("linear")
  .describe("curve: linear, exponential (slow start, linear in dB), logarithmic (fast start), s_curve, equal_power (for crossfades)");

export const ZFadeInEffectSchema = z.object({ type: z.literal("fade_in"), duration_s: fadeDuration, shape: fadeShape });
export const ZFadeOutEffectSchema = z.object({ type: z.literal("fade_out"), duration_s: fadeDuration, shape: fadeShape });

/**
 * Fades in from silence over the first round(duration_s·fs) frames (frame k gets fadeGain(k/N)).
 * A file shorter than the fade ends part way up the curve.
 */
export const fadeInEffect = streamingEffect({
  type: "fade_in",
  schema: ZFadeInEffectSchema,
  create({ duration_s, shape }, { sampleRate }) {
    const length = Math.round(duration_s * sampleRate);
    // Frames seen so far: `start` indexes the caller's block, which is not always the whole signal.
    let position = 0;
    return (channels, start, end) => {
      const at = position;
      position += end - start;
      if (at >= length) return;
      const count = Math.min(end - start, length - at);
      for (const ch of channels) applyFadeRun(ch, start, 1, count, at, length, shape);
    };
  },
});

/**
 * Fades out to silence over the last round(duration_s·fs) frames: the mirror image of fade_in, so
 * the last frame is 0. A file shorter than the fade starts part way down the curve.
 */
export const fadeOutEffect = wholeEffect({
  type: "fade_out",
  schema: ZFadeOutEffectSchema,
  apply(audio, { duration_s, shape }) {
    const length = Math.round(duration_s * audio.sampleRate);
    const frames = audio.channels[0]?.length ?? 0;
    const count = Math.min(length, frames);
    for (const ch of audio.channels) applyFadeRun(ch, frames - 1, -1, count, 0, length, shape);
    return audio;
  },
});

export const ZReverseEffectSchema = z.object({ type: z.literal("reverse") });

/** Plays the file backwards, in place. */
export const reverseEffect = wholeEffect({
  type: "reverse",
  schema: ZReverseEffectSchema,
  apply(audio, _params, progress) {
    audio.channels.forEach((ch, c) => {
      ch.reverse();
      progress((c + 1) / audio.channels.length);
    });
    return audio;
  },
});

export const ZChannelsEffectSchema = z.object({
  type: z.literal("channels"),
  mode: z.enum(["mono", "stereo"]).describe("mono: the average of all channels; stereo: mono doubled, surround folded down to two"),
});

const H = Math.SQRT1_2;
// [to left, to right] per input channel, in ffmpeg's default layout for that count (WAVE order):
// front L/R at 1, centre and surrounds at −3 dB to their side, back centre at −6 dB to both, LFE
// dropped (ITU-R BS.775 downmix). Each row set is normalised below so the output cannot clip.
const DOWNMIX: Record<number, readonly (readonly [number, number])[]> = {
  3: [[1, 0], [0, 1], [0, 0]], // 2.1: FL FR LFE
  4: [[1, 0], [0, 1], [H, H], [0.5, 0.5]], // 4.0: FL FR FC BC
  5: [[1, 0], [0, 1], [H, H], [H, 0], [0, H]], // 5.0: FL FR FC BL BR
  6: [[1, 0], [0, 1], [H, H], [0, 0], [H, 0], [0, H]], // 5.1: FL FR FC LFE BL BR
  7: [[1, 0], [0, 1], [H, H], [0, 0], [0.5, 0.5], [H, 0], [0, H]], // 6.1: FL FR FC LFE BC SL SR
  8: [[1, 0], [0, 1], [H, H], [0, 0], [H, 0], [0, H], [H, 0], [0, H]], // 7.1: FL FR FC LFE BL BR SL SR
};

/** Downmix weights for `count` channels; past 8, even channels go left and odd ones right. */
export function stereoDownmix(count: number): [number, number][] {
  const rows = DOWNMIX[count]?.map(([l, r]): [number, number] => [l, r]) ?? Array.from({ length: count }, (_, c): [number, number] => (c % 2 === 0 ? [1, 0] : [0, 1]));
  const sumL = rows.reduce((s, [l]) => s + l, 0);
  const sumR = rows.reduce((s, [, r]) => s + r, 0);
  const norm = 1 / Math.max(sumL, sumR, 1);
  return rows.map(([l, r]) => [l * norm, r * norm]);
}

function mix(audio: AudioBuffer, weights: readonly number[]): Float32Array {
  const frames = audio.channels[0]?.length ?? 0;
  const acc = new Float64Array(frames);
  audio.channels.forEach((ch, c) => {
    const w = weights[c]!;
    if (w === 0) return;
    for (let i = 0; i < frames; i++) acc[i]! += w * ch[i]!;
  });
  return new Float32Array(acc);
}

/**
 * mono: every channel weighted 1/n, so an out-of-phase stereo pair cancels to silence (as it would
 * on a mono speaker). stereo: mono is doubled, stereo is returned unchanged, and 3 to 8 channels
 * are folded down with the BS.775 weights of `stereoDownmix`, normalised so the louder side sums
 * to 1 (as ffmpeg's default downmix does).
 */
export const channelsEffect = wholeEffect({
  type: "channels",
  schema: ZChannelsEffectSchema,
  apply(audio, { mode }) {
    const count = audio.channels.length;
    if (count === 0) return audio;
    if (mode === "mono") {
      if (count === 1) return audio;
      return { sampleRate: audio.sampleRate, channels: [mix(audio, new Array<number>(count).fill(1 / count))] };
    }
    if (count === 2) return audio;
    if (count === 1) return { sampleRate: audio.sampleRate, channels: [audio.channels[0]!, audio.channels[0]!.slice()] };
    const rows = stereoDownmix(count);
    return {
      sampleRate: audio.sampleRate,
      channels: [mix(audio, rows.map(([l]) => l)), mix(audio, rows.map(([, r]) => r))],
    };
  },
});
