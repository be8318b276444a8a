import { z } from "zod";
import { type BiquadCoeffs, butterworthQs, createBiquadCascade, designBiquad } from "./biquad";
import { streamingEffect } from "./define";

const BUTTERWORTH_Q = Math.SQRT1_2;

const freqField = (fallback: number) =>
  z
    .number()
    .min(10)
    .max(20_000)
    .default(fallback)
    .describe("cutoff in Hz; above 0.45 × the sample rate it is lowered to that (22.05 kHz at 48 kHz, 19.8 kHz at 44.1 kHz)");

const qField = z
  .number()
  .min(0.1)
  .max(10)
  .default(BUTTERWORTH_Q)
  .describe("resonance at the cutoff; 0.7071 is flat (Butterworth), higher values add a peak, lower ones a softer knee");

const slopeField = z
  .literal([12, 24, 36, 48])
  .default(12)
  .describe("roll-off in dB per octave: 12 is one biquad, 24/36/48 cascade 2/3/4 as a Butterworth filter");

export const ZHighpassEffectSchema = z.object({
  type: z.literal("highpass"),
  freq_hz: freqField(80),
  q: qField,
  slope_db_per_oct: slopeField,
});

export const ZLowpassEffectSchema = z.object({
  type: z.literal("lowpass"),
  freq_hz: freqField(12_000),
  q: qField,
  slope_db_per_oct: slopeField,
});

/**
 * Sections of a 12·n dB/octave filter: a Butterworth cascade of order 2n (maximally flat, −3.01 dB
 * at the cutoff), whose most resonant section has its Q scaled by q/0.7071, so q = 0.7071 is the
 * plain Butterworth and, for the 12 dB slope, q is exactly the biquad's Q.
 */
export function passSections(
  kind: "lowpass" | "highpass",
  freqHz: number,
  q: number,
  slopeDbPerOct: number,
  sampleRate: number,
): BiquadCoeffs[] {
  const qs = butterworthQs(slopeDbPerOct / 6);
  // butterworthQs lists the most resonant pole pair first.
  qs[0] = qs[0]! * (q / BUTTERWORTH_Q);
  return qs.map((sectionQ) => designBiquad({ kind, freqHz, sampleRate, q: sectionQ }));
}

export const highpassEffect = streamingEffect({
  type: "highpass",
  schema: ZHighpassEffectSchema,
  create({ freq_hz, q, slope_db_per_oct }, { sampleRate, channels }) {
    return createBiquadCascade(passSections("highpass", freq_hz, q, slope_db_per_oct, sampleRate), channels);
  },
});

export const lowpassEffect = streamingEffect({
  type: "lowpass",
  schema: ZLowpassEffectSchema,
  create({ freq_hz, q, slope_db_per_oct }, { sampleRate, channels }) {
    return createBiquadCascade(passSections("lowpass", freq_hz, q, slope_db_per_oct, sampleRate), channels);
  },
});

const bandFreq = z.number().min(10).max(20_000).describe("centre (peaking) or midpoint (shelves) in Hz; lowered to 0.45 × the sample rate above that");
const bandGain = z.number().min(-24).max(24).default(0).describe("gain in dB at freq_hz (peaking) or of the shelf (half of it at freq_hz)");

const shelfQ = z
  .number()
  .min(0.1)
  .max(18)
  .default(BUTTERWORTH_Q)
  .describe("the cookbook's shelf Q: 0.7071 is the steepest slope without overshoot; higher values add a bump before the shelf");

export const ZEqBandSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("peaking"),
    freq_hz: bandFreq,
    gain_db: bandGain,
    q: z.number().min(0.1).max(18).default(1).describe("bandwidth: 1 is about 1.4 octaves, 4 is a narrow notch-like band"),
  }),
  z.object({
    kind: z.literal("low_shelf"),
    freq_hz: bandFreq,
    gain_db: bandGain,
    q: shelfQ,
  }),
  z.object({
    kind: z.literal("high_shelf"),
    freq_hz: bandFreq,
    gain_db: bandGain,
    q: shelfQ,
  }),
]);

export const ZEqEffectSchema = z.object({
  type: z.literal("eq"),
  bands: z.array(ZEqBandSchema).min(1).max(16).describe("up to 16 peaking or shelving bands, applied in order"),
});

export type EqBand = z.infer<typeof ZEqBandSchema>;

const BAND_KIND = { peaking: "peaking", low_shelf: "lowshelf", high_shelf: "highshelf" } as const;

/** One RBJ cookbook biquad per band; bands at 0 dB are the identity and are left out. */
export function eqSections(bands: readonly EqBand[], sampleRate: number): BiquadCoeffs[] {
  return bands
    .filter((b) => b.gain_db !== 0)
    .map((b) => designBiquad({ kind: BAND_KIND[b.kind], freqHz: b.freq_hz, sampleRate, q: b.q, gainDb: b.gain_db }));
}

export const eqEffect = streamingEffect({
  type: "eq",
  schema: ZEqEffectSchema,
  create({ bands }, { sampleRate, channels }) {
    return createBiquadCascade(eqSections(bands, sampleRate), channels);
  },
});
