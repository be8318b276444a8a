import { z } from "zod";
import { dbToLinear } from "../analysis/decibels";
import { integratedLoudness } from "../analysis/loudness";
import { samplePeak, truePeak } from "../analysis/true-peak";
import { type AudioBuffer } from "../types";
import { type Progress, wholeEffect } from "./define";
import { limitPeaks } from "./limiter";

export const ZNormalizeEffectSchema = z.object({
  type: z.literal("normalize"),
  mode: z
    .enum(["peak", "loudness"])
    .default("peak")
    .describe(
      "peak: one gain that brings the peak to peak_db. loudness: one gain that brings the integrated loudness (EBU R128) to " +
        "target_lufs; if that would push the true peak over ceiling_dbtp, a true-peak limiter at the ceiling follows the gain, " +
        "so both the target (±0.5 LU) and the ceiling hold",
    ),
  peak_db: z.number().min(-60).max(0).default(-1).describe("peak mode: target peak in dBFS (dBTP with true_peak)"),
  true_peak: z.boolean().default(false).describe("peak mode: normalise the true (inter-sample) peak instead of the sample peak"),
  target_lufs: z.number().min(-70).max(-5).default(-14).describe("loudness mode: target integrated loudness in LUFS"),
  ceiling_dbtp: z.number().min(-9).max(0).default(-1).describe("loudness mode: highest true peak in dBTP"),
});

export type NormalizeParams = z.infer<typeof ZNormalizeEffectSchema>;

/** Loudness mode: how close to the target the limited result must land before the search stops (LU). */
const LOUDNESS_TOLERANCE = 0.1;
const PASSES_PER_RELEASE = 4;
/** Never push more than this above the plain linear gain while making up for the limiter (dB). */
const MAX_MAKEUP_DB = 24;
/** Limiter releases to try, slowest (cleanest on programme material) first. */
const LIMITER_RELEASES_MS = [150, 50, 15];
const LIMITER_LOOKAHEAD_MS = 5;

/**
 * Whole-signal normalisation, two passes: measure, then apply one linear gain. Audio with nothing
 * to measure is left untouched: peak 0 in peak mode; in loudness mode, silence, audio under the
 * -70 LUFS gate throughout, or shorter than one 400 ms block (integrated loudness -Infinity).
 *
 * Loudness mode: gain = target − integrated loudness. When the gained true peak would exceed the
 * ceiling, the true-peak limiter (limiter.ts, 5 ms look-ahead) runs at the ceiling after the gain;
 * limiting lowers the loudness a little, so the gain is raised to make up for it (a secant search
 * on the measured loudness, each step one limiter pass and one measurement, trying faster releases
 * only when the slow one cannot get there) until the result is within 0.1 LU of the target. A target
 * that cannot be reached under the ceiling (e.g. -5 LUFS with a -9 dBTP ceiling on dense material)
 * gets the closest result found; the ceiling always holds (to the limiter's +0.1 dB, see there).
 */
export function normalizeAudio(audio: AudioBuffer, params: NormalizeParams, progress: Progress = () => {}): AudioBuffer {
  if (params.mode === "peak") {
    const gain = gainForPeak(params.true_peak ? truePeak(audio) : samplePeak(audio), params);
    if (gain !== 1) applyGain(audio.channels, gain);
    progress(1);
    return audio;
  }
  const measured = integratedLoudness(audio);
  if (!Number.isFinite(measured)) {
    progress(1);
    return audio;
  }
  const gainDb = params.target_lufs - measured;
  if (truePeak(audio) * dbToLinear(gainDb) <= dbToLinear(params.ceiling_dbtp)) {
    applyGain(audio.channels, dbToLinear(gainDb));
    progress(1);
    return audio;
  }

  const original = audio.channels.map((x) => x.slice());
  const attempt = (db: number, releaseMs: number): number => {
    for (let c = 0; c < original.length; c++) audio.channels[c]!.set(original[c]!);
    applyGain(audio.channels, dbToLinear(db));
    limitPeaks(audio, { ceilingDb: params.ceiling_dbtp, lookaheadMs: LIMITER_LOOKAHEAD_MS, releaseMs, truePeak: true });
    return integratedLoudness(audio);
  };
  // Limiting only lowers loudness, so the search runs upward from the linear gain. When more gain
  // stops buying loudness (the limiter is holding the gain down throughout), a faster release does.
  let best = { db: gainDb, releaseMs: LIMITER_RELEASES_MS[0]!, error: Infinity };
  let last = best;
  let passes = 0;
  for (const releaseMs of LIMITER_RELEASES_MS) {
    let db = best.db;
    let lufs = attempt(db, releaseMs);
    last = { db, releaseMs, error: Math.abs(lufs - params.target_lufs) };
    if (last.error < best.error) best = last;
    let previous: { db: number; lufs: number } | null = null;
    for (let pass = 0; pass < PASSES_PER_RELEASE && best.error > LOUDNESS_TOLERANCE; pass++) {
      progress(++passes / (PASSES_PER_RELEASE * LIMITER_RELEASES_MS.length));
      // First step: make up the shortfall dB for dB; then secant on (gain, loudness).
      let slope = 1;
      if (previous && db !== previous.db) slope = (lufs - previous.lufs) / (db - previous.db);
      if (slope < 0.25) break;
      const next = Math.min(gainDb + MAX_MAKEUP_DB, Math.max(gainDb, db + (params.target_lufs - lufs) / slope));
      if (next === db) break;
      previous = { db, lufs };
      db = next;
      lufs = attempt(db, releaseMs);
      last = { db, releaseMs, error: Math.abs(lufs - params.target_lufs) };
      if (last.error < best.error) best = last;
    }
    if (best.error <= LOUDNESS_TOLERANCE) break;
  }
  if (best !== last) attempt(best.db, best.releaseMs);
  progress(1);
  return audio;
}

/** Peak mode's one gain: the peak to `peak_db`, or 1 (left untouched) for silence. */
export function gainForPeak(peak: number, params: NormalizeParams): number {
  return peak > 0 ? dbToLinear(params.peak_db) / peak : 1;
}

function applyGain(channels: Float32Array[], gain: number): void {
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i]! *= gain;
}

export const normalizeEffect = wholeEffect({
  type: "normalize",
  schema: ZNormalizeEffectSchema,
  apply(audio, params, progress) {
    return normalizeAudio(audio, params, progress);
  },
});
