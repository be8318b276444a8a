import { type Progress } from "../effects/define";
import { PeakAccumulator } from "../peaks";
import { type WaveformPeaks } from "../types";
import { linearToDb } from "./decibels";
import { type SampleStats } from "./k-weighting";
import { LoudnessMeter } from "./loudness";
import { interpolatedPeak, TRUE_PEAK_BLOCK, type TruePeakInterpolator, truePeakInterpolator } from "./true-peak";

/**
 * Levels of a buffer. dB values are -Infinity for silence (and loudness values for audio too short
 * to measure, see LoudnessResult); JSON cannot carry that, so send `toJsonSafe(result)`, which
 * turns every non-finite number into null.
 */
export type AudioAnalysis = {
  durationSec: number;
  sampleRate: number;
  channels: number;
  frames: number;
  /** Sample peak over all channels, dBFS. */
  peakDbfs: number;
  /** True peak (BS.1770-4 Annex 2, 4× oversampled below 88.2 kHz) over all channels, dBTP. */
  truePeakDbtp: number;
  /** Unweighted RMS over all samples of all channels, dBFS; a full-scale sine reads -3.01. */
  rmsDbfs: number;
  /** BS.1770-4 / EBU R128 gated integrated loudness, LUFS. */
  integratedLufs: number;
  /** EBU Tech 3342 loudness range, LU (0 when shorter than 3 s or silent). */
  loudnessRangeLu: number;
  /** Loudest momentary (400 ms) loudness, LUFS. */
  momentaryMaxLufs: number;
  /** Loudest short-term (3 s) loudness, LUFS. */
  shortTermMaxLufs: number;
  /**
   * Samples (over all channels) with |x| ≥ 32767/32768, the largest positive 16-bit value: a 16-bit
   * file clipped at full scale counts on both polarities, and so do 24-bit and float files (float
   * samples beyond ±1 count too). Runs of clipped samples count sample by sample.
   */
  clippedSamples: number;
  /** Waveform peaks, as `inspectAudio` gives them. */
  peaks: WaveformPeaks;
};

export type AudioAnalyzerOptions = {
  sampleRate: number;
  channels: number;
  /**
   * The exact frame count, when the header declares it: waveform buckets then have exact edges
   * (otherwise PeakAccumulator's unknown-length mode) and progress is reported. More frames than
   * this throw in `add`, fewer in `result`.
   */
  expectedFrames?: number;
  /** Waveform buckets; fewer when the audio has fewer frames. Default 800, at most 100 000. */
  peakCount?: number;
  /** Fractions in [0, 1) while frames arrive (only with `expectedFrames`), then 1 from `result`. */
  onProgress?: Progress;
};

export type AudioAnalyzer = {
  /**
   * Measures frames [start, end) of a planar block (one array per channel), in stream order. The
   * arrays are only read during the call, so a decoder may reuse them.
   */
  add(block: Float32Array[], start?: number, end?: number): void;
  /**
   * Everything measured so far. Nothing is held back, so without `expectedFrames` it may also be
   * called mid-stream (a live reading) and `add` continued.
   */
  result(): AudioAnalysis;
};

const MAX_PEAKS = 100_000;
const CLIP_LEVEL = 32767 / 32768;
/** Samples of history per channel: interval n reads x[n-5] to x[n+6]. */
const HISTORY = 11;
/** Block-array length the group maxima are sized for up front (decoders hand out up to ~2^17 frames); longer arrays grow them once. */
const INITIAL_CAPACITY = 1 << 17;
/** Progress is reported about every 2 %. */
const PROGRESS_STEPS = 50;

/**
 * A streaming `analyzeAudio`: feed blocks in order with `add`, read `result()`. Memory does not
 * depend on the length (the loudness meter keeps one float64 per 100 ms), and the numbers equal a
 * whole-buffer analysis: true peak and sample statistics exactly, loudness and RMS up to the order
 * of float64 additions (block boundaries split the sums differently, ~1e-15 relative).
 */
export function createAudioAnalyzer(opts: AudioAnalyzerOptions): AudioAnalyzer {
  return new StreamingAnalyzer(opts);
}

/**
 * One pass, no allocation per block beyond a view per channel when `start`/`end` cut the arrays.
 * Each block goes through the K-weighting loop (which gathers the sample peak per 64-frame group,
 * the sum of squares and the clip count on the side) and the waveform peaks; then its true peak.
 *
 * True peak (BS.1770-4 Annex 2, see true-peak.ts) in one pass: interval n (between x[n] and x[n+1])
 * is interpolated once x[n+6] has arrived, from the block itself or, for the 11 intervals that reach
 * back across the block boundary, from the last 11 samples kept per channel. The intervals that are
 * never interpolated are exactly the first 5 and the last 6, as the whole-buffer rule has it (their
 * samples count through the sample peak), so no tail needs holding back. Only the groups where
 * bound × (largest |x| under the taps) could beat the running maximum are oversampled, the running
 * maximum including this block's sample peak: from the first block on, that skips most of music.
 */
class StreamingAnalyzer implements AudioAnalyzer {
  private readonly sampleRate: number;
  private readonly channelCount: number;
  private readonly expected: number | null;
  private readonly progress: Progress | null;
  private readonly meter: LoudnessMeter;
  private readonly peaks: PeakAccumulator;
  private readonly stats: SampleStats[];
  private readonly ip: TruePeakInterpolator;
  /** 1 / bound, a hair smaller, so rounding in the 12-tap sums cannot slip past the pruning. */
  private readonly pruneScale: number;
  /** The last HISTORY samples of each channel, oldest first: history[c·HISTORY + j] = x[frames - HISTORY + j]. */
  private readonly history: Float32Array;
  /** The history and the head of a block, for the intervals across the boundary. */
  private readonly seam = new Float32Array(2 * HISTORY);
  private frames = 0;
  private samplePeak = 0;
  /** Running true peak (linear), never below the sample peak. */
  private best = 0;
  private nextReport = 0;
  private readonly reportStep: number;

  constructor(opts: AudioAnalyzerOptions) {
    const { sampleRate, channels, expectedFrames } = opts;
    const peakCount = opts.peakCount ?? 800;
    if (!Number.isInteger(peakCount) || peakCount < 1 || peakCount > MAX_PEAKS) {
      throw new RangeError(`peakCount must be an integer from 1 to ${MAX_PEAKS}, got ${peakCount}`);
    }
    if (!Number.isInteger(channels) || channels < 0) throw new RangeError(`channels must be a non-negative integer, got ${channels}`);
    if (expectedFrames !== undefined && !(Number.isSafeInteger(expectedFrames) && expectedFrames >= 0)) {
      throw new RangeError(`expectedFrames must be a non-negative integer, got ${expectedFrames}`);
    }
    this.sampleRate = sampleRate;
    this.channelCount = channels;
    this.expected = expectedFrames ?? null;
    this.progress = opts.onProgress ?? null;
    this.meter = new LoudnessMeter(sampleRate, channels, expectedFrames ?? 0);
    this.peaks = new PeakAccumulator(peakCount, this.expected);
    const groups = Math.ceil(Math.min(INITIAL_CAPACITY, Math.max(1, expectedFrames ?? INITIAL_CAPACITY)) / TRUE_PEAK_BLOCK);
    this.stats = Array.from({ length: channels }, () => ({
      blockMax: new Float32Array(groups),
      blockSize: TRUE_PEAK_BLOCK,
      clipLevel: CLIP_LEVEL,
      sumSquares: 0,
      clipped: 0,
    }));
    this.ip = truePeakInterpolator(sampleRate);
    this.pruneScale = 1 / (this.ip.bound * (1 + 1e-9));
    this.history = new Float32Array(channels * HISTORY);
    this.reportStep = Math.max(1, Math.ceil((this.expected ?? 0) / PROGRESS_STEPS));
    this.nextReport = this.reportStep;
  }

  add(block: Float32Array[], start = 0, end = block[0]?.length ?? 0): void {
    if (block.length !== this.channelCount) throw new RangeError(`expected ${this.channelCount} channels, got ${block.length}`);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) throw new RangeError(`bad frame range [${start}, ${end})`);
    for (const x of block) if (x.length < end) throw new RangeError(`a channel has ${x.length} frames, fewer than end = ${end}`);
    const n = end - start;
    if (n === 0 || this.channelCount === 0) return;
    if (this.expected !== null && this.frames + n > this.expected) {
      throw new RangeError(`more frames than the ${this.expected} expected (${this.frames + n})`);
    }

    // Group maxima: indexed by the block array's own frame index / 64, as kWeightedSumOfSquares does.
    const g0 = Math.floor(start / TRUE_PEAK_BLOCK);
    const g1 = Math.floor((end - 1) / TRUE_PEAK_BLOCK) + 1;
    if (g1 > (this.stats[0]?.blockMax.length ?? g1)) this.grow(g1);
    for (const s of this.stats) s.blockMax.fill(0, g0, g1);
    this.meter.add(block, start, end, this.stats);
    this.peaks.add(start === 0 && end === block[0]!.length ? block : block.map((x) => x.subarray(start, end)));

    let peak = this.samplePeak;
    for (const s of this.stats) {
      const m = s.blockMax;
      for (let k = g0; k < g1; k++) peak = Math.max(peak, m[k]!);
    }
    this.samplePeak = peak;
    let best = Math.max(this.best, peak);
    if (this.ip.factor !== 1) {
      for (let c = 0; c < block.length; c++) best = this.truePeakOfBlock(c, block[c]!, start, end, g0, g1, best);
    }
    this.best = best;
    for (let c = 0; c < block.length; c++) this.keepHistory(c, block[c]!, start, end);
    this.frames += n;

    if (this.progress && this.expected !== null && this.frames >= this.nextReport && this.frames < this.expected) {
      this.progress(this.frames / this.expected);
      this.nextReport = (Math.floor(this.frames / this.reportStep) + 1) * this.reportStep;
    }
  }

  result(): AudioAnalysis {
    if (this.expected !== null && this.frames !== this.expected) {
      throw new RangeError(`${this.frames} frames analysed, but ${this.expected} were expected`);
    }
    let sumSquares = 0;
    let clipped = 0;
    for (const s of this.stats) {
      sumSquares += s.sumSquares;
      clipped += s.clipped;
    }
    const loudness = this.meter.result();
    const samples = this.frames * this.channelCount;
    this.progress?.(1);
    return {
      durationSec: this.frames / this.sampleRate,
      sampleRate: this.sampleRate,
      channels: this.channelCount,
      frames: this.frames,
      peakDbfs: linearToDb(this.samplePeak),
      truePeakDbtp: linearToDb(this.best),
      rmsDbfs: samples > 0 ? linearToDb(Math.sqrt(sumSquares / samples)) : -Infinity,
      integratedLufs: loudness.integratedLufs,
      loudnessRangeLu: loudness.loudnessRangeLu,
      momentaryMaxLufs: loudness.momentaryMaxLufs,
      shortTermMaxLufs: loudness.shortTermMaxLufs,
      clippedSamples: clipped,
      peaks: this.peaks.result(),
    };
  }

  /**
   * Interpolates the intervals of channel c that x[start, end) completes: global n in
   * [max(5, F - 6), F + len - 6) with F the frames before this block. Returns the new maximum.
   */
  private truePeakOfBlock(c: number, x: Float32Array, start: number, end: number, g0: number, g1: number, best: number): number {
    const before = this.frames;
    const lo = Math.max(5, before - 6);
    const hi = before + (end - start) - 6;
    if (hi <= lo) return best;

    // Intervals reading samples of the previous blocks (at most 11): on the seam, whose index j holds x[F - 11 + j].
    const seamEnd = Math.min(hi, before + 5);
    if (seamEnd > lo) {
      const seam = this.seam;
      const head = Math.min(end - start, HISTORY);
      for (let j = 0; j < HISTORY; j++) seam[j] = this.history[c * HISTORY + j]!;
      for (let j = 0; j < head; j++) seam[HISTORY + j] = x[start + j]!;
      best = Math.max(best, interpolatedPeak(seam, lo - before + HISTORY, seamEnd - before + HISTORY, this.ip));
    }

    // The rest read this block only: interval n is x's index n - F + start.
    const from = Math.max(lo, before + 5) - before + start;
    const to = hi - before + start;
    if (to <= from) return best;
    // A group with a sample above best / bound makes its own intervals and its neighbours' (which
    // its samples reach through the taps) candidates; the rest cannot beat best.
    const m = this.stats[c]!.blockMax;
    const scale = this.pruneScale;
    const kLast = Math.min(g1 - 1, Math.floor((to - 1) / TRUE_PEAK_BLOCK) + 1);
    let level = best * scale;
    let done = from;
    for (let k = Math.max(g0, Math.floor(from / TRUE_PEAK_BLOCK) - 1); k <= kLast; k++) {
      if (!(m[k]! > level)) continue;
      const a = Math.max(done, (k - 1) * TRUE_PEAK_BLOCK);
      const b = Math.min(to, (k + 2) * TRUE_PEAK_BLOCK);
      if (b <= a) continue;
      const v = interpolatedPeak(x, a, b, this.ip);
      done = b;
      if (v > best) {
        best = v;
        level = best * scale;
      }
    }
    return best;
  }

  private keepHistory(c: number, x: Float32Array, start: number, end: number): void {
    const h = this.history;
    const offset = c * HISTORY;
    const n = end - start;
    if (n >= HISTORY) {
      for (let j = 0; j < HISTORY; j++) h[offset + j] = x[end - HISTORY + j]!;
      return;
    }
    h.copyWithin(offset, offset + n, offset + HISTORY);
    for (let j = 0; j < n; j++) h[offset + HISTORY - n + j] = x[start + j]!;
  }

  /** A block array longer than any before: once per new maximum length, not per block. */
  private grow(groups: number): void {
    for (const s of this.stats) s.blockMax = new Float32Array(groups);
  }
}
