import { z } from "zod";
import { dbToLinear } from "../analysis/decibels";
import { groupPeaks, interpolatorFor, truePeakInterpolator } from "../analysis/true-peak";
import { type AudioBuffer } from "../types";
import { type Progress, wholeEffect } from "./define";

export const ZLimiterEffectSchema = z.object({
  type: z.literal("limiter"),
  ceiling_db: z.number().min(-24).max(0).default(-1).describe("highest output level in dB (dBTP with true_peak, else dBFS)"),
  lookahead_ms: z.number().min(1).max(20).default(5).describe("look-ahead in ms: how early the gain starts to fall before a peak"),
  release_ms: z.number().min(10).max(2000).default(100).describe("release time constant in ms: how fast the gain recovers after a peak"),
  true_peak: z
    .boolean()
    .default(true)
    .describe("limit the true (4× oversampled, inter-sample) peak rather than the sample peak; a true-peak meter reads the output within 0.1 dB of the ceiling"),
});

export type LimiterOptions = { ceilingDb: number; lookaheadMs: number; releaseMs: number; truePeak: boolean };

/** Frames per detector group: the group's worst sample or interval sets the gain for all of it. */
const GROUP = 8;
/** Frames per block (a multiple of GROUP). */
const BLOCK = 1024;
/** The interpolator's taps reach 5 samples back and 6 ahead of an interval (see true-peak.ts). */
const TAPS_BACK = 5;
const TAPS_AHEAD = 6;

/**
 * Look-ahead brick-wall limiter, linked across channels, in place; same length and no shift in
 * time (a whole-signal effect, so the look-ahead is read ahead rather than added as delay).
 *
 * Per group of 8 frames the detector gives the gain that brings its worst peak over all channels
 * to the ceiling, g_t ≤ 1 (true peak: the 4× interpolated peak, see true-peak.ts). Then:
 * 1. hold: g_h[j] = min g_t over [j − H, j + A], a sliding-window minimum (monotonic deque over
 *    groups, so rounded outward to whole groups), A the look-ahead in frames, H = 6 frames (the
 *    interpolator's reach) in true-peak mode, else 0;
 * 2. release: g_r follows g_h down at once and back up with a one-pole of `releaseMs`;
 * 3. attack: g = moving average of g_r over the last A − 4 frames (A + 1 in sample-peak mode).
 * A peak at frame P pulls g_h down on [P − A, P + H], so every average that covers a frame in
 * [P − 5, P + 6] (every sample the interpolator reads for P) is of values ≤ g_t[P]: the gain has
 * reached its floor before the peak arrives, and its ramp (a linear fade) fits in the look-ahead.
 * An isolated peak meets a constant gain over the interpolator's reach, so its true peak lands on
 * the ceiling; in dense passages the gain varies a little under the taps, which a true-peak meter
 * may read a few hundredths of a dB over (the tests allow +0.1 dB). In sample-peak mode the
 * ceiling is exact. Where the detector never exceeds the ceiling the output is bit-identical.
 */
export function limitPeaks(audio: AudioBuffer, opts: LimiterOptions, progress: Progress = () => {}): AudioBuffer {
  const { sampleRate, channels } = audio;
  const frames = channels[0]?.length ?? 0;
  if (frames === 0) return audio;
  const ceiling = dbToLinear(opts.ceilingDb);
  const ip = opts.truePeak ? truePeakInterpolator(sampleRate) : interpolatorFor(1);
  const oversampled = ip.factor > 1;
  const hold = oversampled ? TAPS_AHEAD : 0;
  const ahead = Math.max(hold + 1, Math.round((opts.lookaheadMs * sampleRate) / 1000));
  const boxLength = (oversampled ? ahead - TAPS_BACK : ahead) + 1;
  const release = 1 - Math.exp(-1000 / (opts.releaseMs * sampleRate));
  // The hold window in groups: group q covers frames [qG, qG + G), so its window
  // [qG − H, qG + G − 1 + A] spans groups q − holdGroups ... q + aheadGroups.
  const holdGroups = Math.ceil(hold / GROUP);
  const aheadGroups = Math.floor((GROUP - 1 + ahead) / GROUP);
  const groups = Math.ceil(frames / GROUP);

  const target = new Float64Array(BLOCK / GROUP);
  const peaks = new Float64Array(BLOCK / GROUP);
  const gains = new Float64Array(BLOCK);
  // Monotonic deque of (group, g_t) with increasing g_t: its front is the window's minimum.
  const capacity = 2 ** Math.ceil(Math.log2(holdGroups + aheadGroups + 2));
  const mask = capacity - 1;
  const dqGroup = new Int32Array(capacity);
  const dqGain = new Float64Array(capacity);
  let dqHead = 0;
  let dqTail = 0;
  const box = new Float64Array(boxLength).fill(1);
  let boxAt = 0;
  let boxSum = boxLength;
  const inverseLength = 1 / boxLength;
  // decay[k] = (1 − α)^k, the release's progress k frames into a group.
  const decay = Float64Array.from({ length: GROUP + 1 }, (_, k) => (1 - release) ** k);
  let sinceBelow = boxLength;
  let previous = 1;

  const blockGroups = BLOCK / GROUP;
  const reportEvery = Math.max(1, Math.ceil(groups / blockGroups / 50));
  for (let q0 = 0, block = 0; q0 < groups + aheadGroups; q0 += blockGroups, block++) {
    const q1 = Math.min(groups + aheadGroups, q0 + blockGroups);
    if (block % reportEvery === 0) progress(Math.min(1, (q0 * GROUP) / frames));
    const quiet = detect(channels, q0 * GROUP, Math.min(q1 * GROUP, frames), ip, ceiling, target, peaks);
    // Output groups q = head − aheadGroups, for heads q0 .. q1 − 1.
    const firstFrame = Math.max(0, (q0 - aheadGroups) * GROUP);
    const endFrame = Math.min(frames, Math.max(0, (q1 - aheadGroups) * GROUP));
    const settled = dqHead === dqTail || dqGain[dqHead & mask] === 1;
    if (quiet && settled && previous === 1 && sinceBelow >= boxLength) {
      // Nothing to limit in the window: the gain stays exactly 1 and the input passes untouched.
      dqHead = dqTail = 0;
      continue;
    }
    let touched = false;
    for (let head = q0; head < q1; head++) {
      const g = head < groups ? target[head - q0]! : 1;
      while (dqTail > dqHead && dqGain[(dqTail - 1) & mask]! >= g) dqTail--;
      dqGroup[dqTail & mask] = head;
      dqGain[dqTail & mask] = g;
      dqTail++;
      const q = head - aheadGroups;
      while (dqGroup[dqHead & mask]! < q - holdGroups) dqHead++;
      const held = dqGain[dqHead & mask]!;
      if (held === 1 && previous === 1 && sinceBelow >= boxLength) {
        if (q >= 0) for (let j = q * GROUP, end = Math.min(frames, j + GROUP); j < end; j++) gains[j - firstFrame] = 1;
        continue;
      }
      // Groups q < 0 are not output, but their gains fill the average, so a peak at the very start is met in time.
      // Release, closed form over the group (g_h is constant in it), so no frame waits on the one before:
      // at or above the hold the gain drops to it at once; below, it rises as held − (held − previous)·(1 − α)^k.
      const rise = held - previous;
      const start = q * GROUP;
      const end = Math.min(frames, start + GROUP);
      for (let j = start; j < end; j++) {
        const r = rise > 0 ? held - rise * decay[j - start + 1]! : held;
        const old = box[boxAt]!;
        box[boxAt] = r;
        boxAt = boxAt + 1 === boxLength ? 0 : boxAt + 1;
        boxSum += r - old;
        if (j >= 0) gains[j - firstFrame] = Math.min(1, boxSum * inverseLength);
      }
      previous = rise > 0 ? held - rise * decay[end - start]! : held;
      // The release creeps toward 1 without reaching it: snap once the difference is inaudible, and
      // once the average holds only ones, make its sum exact again (no lingering gain of 0.9999999).
      if (held === 1 && previous > 1 - 1e-7) previous = 1;
      sinceBelow = previous < 1 ? 0 : sinceBelow + (end - start);
      if (sinceBelow >= boxLength) boxSum = boxLength;
      touched = true;
    }
    if (touched) {
      for (const x of channels) for (let j = firstFrame; j < endFrame; j++) x[j]! *= gains[j - firstFrame]!;
    }
  }
  progress(1);
  return audio;
}

/**
 * Fills target[k] with the gain group k of [start, end) needs (1 where it is under the ceiling)
 * and says whether every group is under. A channel's block is skipped when even the
 * interpolator's worst case over its samples stays under the ceiling.
 */
function detect(
  channels: Float32Array[],
  start: number,
  end: number,
  ip: ReturnType<typeof interpolatorFor>,
  ceiling: number,
  target: Float64Array,
  peaks: Float64Array,
): boolean {
  target.fill(1);
  if (end <= start) return true;
  const count = Math.ceil((end - start) / GROUP);
  let quiet = true;
  for (const x of channels) {
    const lo = Math.max(0, start - TAPS_BACK);
    const hi = Math.min(x.length, end + TAPS_AHEAD + 1);
    // Four running maxima: one would make every sample wait on the comparison before it.
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let i = lo;
    for (; i + 3 < hi; i += 4) {
      m0 = Math.max(m0, Math.abs(x[i]!));
      m1 = Math.max(m1, Math.abs(x[i + 1]!));
      m2 = Math.max(m2, Math.abs(x[i + 2]!));
      m3 = Math.max(m3, Math.abs(x[i + 3]!));
    }
    for (; i < hi; i++) m0 = Math.max(m0, Math.abs(x[i]!));
    if (Math.max(m0, m1, m2, m3) * ip.bound <= ceiling) continue;
    groupPeaks(x, start, end, ip, GROUP, peaks);
    for (let k = 0; k < count; k++) {
      const p = peaks[k]!;
      if (p <= ceiling) continue;
      quiet = false;
      const g = ceiling / p;
      if (g < target[k]!) target[k] = g;
    }
  }
  return quiet;
}

export const limiterEffect = wholeEffect({
  type: "limiter",
  schema: ZLimiterEffectSchema,
  apply(audio, { ceiling_db, lookahead_ms, release_ms, true_peak }, progress) {
    return limitPeaks(audio, { ceilingDb: ceiling_db, lookaheadMs: lookahead_ms, releaseMs: release_ms, truePeak: true_peak }, progress);
  },
});
