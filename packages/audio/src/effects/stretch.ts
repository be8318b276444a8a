import { z } from "zod";
import { resampleByRatio } from "../resample/resample";
import { type AudioBuffer } from "../types";
import { type Progress, wholeEffect } from "./define";
import { phaseVocoderStretch } from "./stretch-vocoder";

export const ZTimeStretchEffectSchema = z.object({
  type: z.literal("time_stretch"),
  rate: z.number().min(0.25).max(4).default(1).describe("playback speed, pitch kept: 0.5 is twice as long, 2 is half as long"),
});

export const ZPitchShiftEffectSchema = z.object({
  type: z.literal("pitch_shift"),
  semitones: z.number().min(-24).max(24).default(0).describe("pitch change in semitones, duration kept"),
  cents: z.number().min(-100).max(100).default(0).describe("fine pitch change in cents, added to semitones"),
});

/**
 * Changes the duration to round(frames / rate) and keeps the pitch, with a phase vocoder
 * (identity phase locking, Laroche & Dolson 1999; see stretch-vocoder.ts) that plays transients
 * at their original speed and keeps the channels' phase relations. Rate 1 returns the input
 * untouched.
 */
export const timeStretchEffect = wholeEffect({
  type: "time_stretch",
  schema: ZTimeStretchEffectSchema,
  apply(audio, { rate }, progress) {
    const frames = audio.channels[0]?.length ?? 0;
    if (rate === 1 || frames === 0) return audio;
    const outLength = Math.max(1, Math.round(frames / rate));
    return guardPeak(audio, { sampleRate: audio.sampleRate, channels: phaseVocoderStretch(audio.channels, outLength, audio.sampleRate, progress) });
  },
});

/**
 * Shifts the pitch by 2^(semitones/12 + cents/1200) and keeps the duration to the frame:
 * resampling changes pitch and duration together, then the phase vocoder restores the duration.
 * Upward, the resampler goes first (it shortens the signal, so the vocoder has less to do);
 * downward, the vocoder goes first (shortening) and the resampler lengthens back to the frame.
 * Semitones 0 and cents 0 return the input untouched.
 */
export const pitchShiftEffect = wholeEffect({
  type: "pitch_shift",
  schema: ZPitchShiftEffectSchema,
  apply(audio, { semitones, cents }, progress) {
    const factor = 2 ** (semitones / 12 + cents / 1200);
    if (factor === 1) return audio;
    const frames = audio.channels[0]?.length ?? 0;
    if (frames === 0) return audio;
    const { sampleRate } = audio;
    // The intermediate length, shorter than the input either way.
    const mid = Math.max(1, Math.round(factor > 1 ? frames / factor : frames * factor));
    let channels: Float32Array[];
    if (factor > 1) {
      const shifted = resampleAll(audio.channels, mid / frames, mid, progress, 0, 0.3);
      channels = phaseVocoderStretch(shifted, frames, sampleRate, (f) => progress(0.3 + 0.7 * f));
    } else {
      const stretched = phaseVocoderStretch(audio.channels, mid, sampleRate, (f) => progress(0.7 * f));
      channels = resampleAll(stretched, frames / mid, frames, progress, 0.7, 0.3);
    }
    return guardPeak(audio, { sampleRate, channels });
  },
});

/**
 * Pitch ratios are taken to within 3e-5 (0.05 cents, far below what anyone hears) so that the
 * resampler can use an exact polyphase bank, twice as fast as blending phases.
 */
const RATIO_TOLERANCE = 3e-5;
/**
 * 90 dB stop band, pass band to 0.43 fs (18.9 kHz at 44.1 kHz): the vocoder's own artefacts sit
 * far above the difference from "high", which takes almost twice as long.
 */
const QUALITY = "medium";

function resampleAll(channels: Float32Array[], ratio: number, outputLength: number, progress: Progress, base: number, share: number): Float32Array[] {
  return channels.map((ch, c) => {
    const out = resampleByRatio(ch, ratio, { outputLength, ratioTolerance: RATIO_TOLERANCE, quality: QUALITY });
    progress(base + (share * (c + 1)) / channels.length);
    return out;
  });
}

/**
 * The vocoder changes how partials line up in time, so peaks can come out higher than they went
 * in: by up to 8 % where a steady tone starts or stops abruptly, and much more on noise-like
 * material, which comes out Gaussian (uniform noise: 2.5 times its peak). When the output would
 * exceed both 0 dBFS and the input's own peak, all of it is scaled down to the larger of the two,
 * so a file that did not clip does not start to; quieter audio keeps its level.
 */
function guardPeak(input: AudioBuffer, output: AudioBuffer): AudioBuffer {
  const limit = Math.max(1, peak(input.channels));
  const out = peak(output.channels);
  if (out <= limit) return output;
  const g = limit / out;
  for (const ch of output.channels) for (let i = 0; i < ch.length; i++) ch[i]! *= g;
  return output;
}

function peak(channels: Float32Array[]): number {
  let p = 0;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) {
      const v = Math.abs(ch[i]!);
      if (v > p) p = v;
    }
  }
  return p;
}
