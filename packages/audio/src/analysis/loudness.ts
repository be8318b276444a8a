import { type AudioBuffer } from "../types";
import { convertPcm } from "../wav/pcm";
import { type SampleKind } from "../wav/wav-format";
import {
  flushSubnormals,
  K_STATE_SIZE,
  type KWeighting,
  kWeighting,
  kWeightedSumOfSquares,
  kWeightedSumOfSquaresS16,
  S16_SCALE,
  type SampleStats,
  scaleState,
} from "./k-weighting";
import { type Gated, type Gates, SimdKWeighting } from "./k-weighting-simd";

/**
 * Loudness after ITU-R BS.1770-4 with the gating of EBU R128, and loudness range after EBU Tech
 * 3342. Values in LUFS (LU for the range). Silence, and audio too short for one measurement block
 * (400 ms for loudness, 3 s for the range), reads -Infinity LUFS; the range then reads 0 LU.
 */
export type LoudnessResult = {
  /** Gated integrated loudness (BS.1770-4 §2.8), -Infinity when no 400 ms block passes the -70 LUFS gate. */
  integratedLufs: number;
  /** EBU Tech 3342 loudness range, 0 when no 3 s window passes the gates. */
  loudnessRangeLu: number;
  /** Loudest 400 ms block (momentary loudness, 10 Hz), -Infinity when shorter than 400 ms. */
  momentaryMaxLufs: number;
  /** Loudest 3 s window (short-term loudness, 10 Hz), -Infinity when shorter than 3 s. */
  shortTermMaxLufs: number;
  /** The relative gate of the integrated loudness (10 LU below the absolutely gated blocks), -Infinity with no such block. */
  integratedThresholdLufs: number;
  /** The relative gate of the loudness range (20 LU below the absolutely gated windows), -Infinity with no such window. */
  rangeThresholdLufs: number;
  /** The 10th and 95th percentiles of the gated short-term loudness, whose spread is the range; -Infinity with no window. */
  rangeLowLufs: number;
  rangeHighLufs: number;
};

/** BS.1770-4: L = -0.691 + 10·log10(Σ G_i·z_i); the offset makes a 1 kHz sine read its own level. */
const LOUDNESS_OFFSET = -0.691;
const ABSOLUTE_GATE_LUFS = -70;
/** Powers are compared with gates in the linear domain: no log per block. */
const ABSOLUTE_GATE_POWER = 10 ** ((ABSOLUTE_GATE_LUFS - LOUDNESS_OFFSET) / 10);
const RELATIVE_GATE_INTEGRATED = 10 ** (-10 / 10);
const RELATIVE_GATE_RANGE = 10 ** (-20 / 10);
/**
 * Sub-blocks of 100 ms: a 400 ms block (75 % overlap) is 4 of them, a 3 s short-term window 30
 * (the K-weighting kernel's `gate` is built for these).
 */
export const BLOCK_SUBS = 4;
export const SHORT_TERM_SUBS = 30;
/** Frames converted at a time by `addPcm` for formats without a direct loop. */
const SCRATCH_FRAMES = 4096;
/** A sum of squares of 16-bit samples read as integers, to the float path's domain (exact: a power of two). */
const S16_TO_FLOAT = 1 / (S16_SCALE * S16_SCALE);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * BS.1770-4 channel weights by position in the file's channel order (WAV / SMPTE order, 0-based):
 * 1.0 for front channels; 1.41 (+1.5 dB) for surrounds; 0 for the LFE, which BS.1770 excludes.
 * - 5 channels (5.0: L R C Ls Rs): channels 3, 4 are surrounds.
 * - 6 channels (5.1: L R C LFE Ls Rs): channel 3 is the LFE, 4 and 5 surrounds.
 * - 7 channels (6.1: L R C LFE Cs Ls Rs) and 8 channels (7.1: L R C LFE Lb Rb Ls Rs): 3 is the LFE, 4 and up surrounds.
 * - Anything else (mono, stereo, 3, 4 channels, more than 8) weighs every channel 1.0: without a
 *   layout a 4-channel file may be quad or 4.0, so it is not guessed.
 * Mono is measured as one channel at weight 1 (it reads 3 LU below the same signal as dual mono).
 */
export function channelWeights(channelCount: number): Float64Array {
  const w = new Float64Array(channelCount).fill(1);
  if (channelCount === 5) w[3] = w[4] = 1.41;
  if (channelCount >= 6 && channelCount <= 8) {
    w[3] = 0;
    for (let c = 4; c < channelCount; c++) w[c] = 1.41;
  }
  return w;
}

/**
 * Streaming loudness meter: feed frames in order with `add` (any block sizes), read `result()`.
 * Keeps one float64 per 100 ms (the weighted K-filtered energy of that sub-block), so 400 ms blocks
 * and 3 s windows are sums of 4 and 30 consecutive sub-blocks; memory is 80 bytes per second.
 * An unfinished last sub-block is left out, as libebur128 and ffmpeg do.
 */
export class LoudnessMeter {
  private readonly filter: KWeighting;
  private readonly weights: Float64Array;
  private readonly state: Float64Array;
  /** Frames per 100 ms sub-block. */
  private readonly hop: number;
  private energies: Float64Array;
  private subs = 0;
  private filled = 0;
  private current = 0;
  /** Planar buffers for `addPcm` of formats it converts first, made on first use. */
  private scratch: Float32Array[] | null = null;

  constructor(sampleRate: number, channelCount: number, expectedFrames = 0) {
    if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
    this.filter = kWeighting(sampleRate);
    this.weights = channelWeights(channelCount);
    this.state = new Float64Array(channelCount * K_STATE_SIZE);
    this.hop = Math.max(1, Math.round(sampleRate / 10));
    this.energies = new Float64Array(Math.max(64, Math.ceil(expectedFrames / this.hop) + 1));
  }

  /** Adds frames [start, end) of every channel; with `stats` (one per channel), gathers those too. */
  add(channels: Float32Array[], start: number, end: number, stats?: SampleStats[]): void {
    let i = start;
    while (i < end) {
      const stop = Math.min(end, i + this.hop - this.filled);
      let energy = 0;
      for (let c = 0; c < channels.length && c < this.weights.length; c++) {
        const sum = kWeightedSumOfSquares(channels[c]!, i, stop, this.filter, this.state, c * K_STATE_SIZE, stats?.[c]);
        energy += this.weights[c]! * sum;
      }
      this.current += energy;
      this.filled += stop - i;
      i = stop;
      if (this.filled === this.hop) this.closeSub();
    }
  }

  /**
   * Adds `frames` frames as a file stores them: interleaved, `stride` bytes per frame from byte 0
   * of `bytes`, samples of `kind`. Aligned 16-bit PCM goes straight into the K-weighting loop
   * (kWeightedSumOfSquaresS16), which gives what `add` gives on the converted samples without
   * converting; other layouts are converted into a reused buffer and added.
   */
  addPcm(kind: SampleKind, bytes: Uint8Array, frames: number, stride: number): void {
    const channels = this.weights.length;
    if (kind !== "s16" || !LITTLE_ENDIAN || bytes.byteOffset % 2 !== 0 || stride % 2 !== 0 || channels === 0) {
      this.addConverted(kind, bytes, frames, stride);
      return;
    }
    const step = stride / 2;
    const ints = new Int16Array(bytes.buffer, bytes.byteOffset, frames * step);
    // The 16-bit loops work on values 2^15 times the float path's (exact, see there): the state
    // goes into that domain for the call and back out after it.
    for (let c = 0; c < channels; c++) scaleState(this.state, c * K_STATE_SIZE, S16_SCALE);
    // Channels two at a time in WebAssembly where it runs, a piece at a time; an odd last channel in JavaScript.
    const simd = channels >= 2 ? SimdKWeighting.shared() : null;
    const pairs = simd ? channels >> 1 : 0;
    const floor = 1e-30 * S16_SCALE;
    // Every channel paired: the kernel also adds the sub-blocks up, and no JavaScript runs per sub-block
    // (which, until the optimizing compiler takes it, boxes each of its doubles).
    const inKernel = simd !== null && 2 * pairs === channels;
    const subBlocks = inKernel ? { weights: this.weights, scale: S16_TO_FLOAT, hop: this.hop, current: this.current, filled: this.filled } : undefined;
    const pieceFrames = simd ? simd.begin(this.filter, floor, this.state, pairs, stride, subBlocks) : frames;
    for (let i = 0; i < frames; i += pieceFrames) {
      const n = Math.min(pieceFrames, frames - i);
      simd?.stage(bytes.subarray(i * stride, (i + n) * stride));
      if (inKernel) this.keepSubs(simd.measure(n));
      else this.measurePiece(simd, pairs, ints, i, n, step, floor);
    }
    if (inKernel) ({ current: this.current, filled: this.filled } = simd.subBlock());
    simd?.end(this.state, pairs);
    for (let c = 0; c < channels; c++) scaleState(this.state, c * K_STATE_SIZE, 1 / S16_SCALE);
  }

  /**
   * `addPcm`'s loop over the sub-blocks of one piece (frames [first, first + frames) of `ints`,
   * staged in the kernel when it runs), where JavaScript adds them up: with an odd last channel, or
   * without the kernel. A method of its own so that the optimizing compiler has little to compile:
   * inside `addPcm` the loop turned hot near the end of a song, and the process waited at exit for
   * an 18 ms compilation whose code never ran.
   */
  private measurePiece(simd: SimdKWeighting | null, pairs: number, ints: Int16Array, first: number, frames: number, step: number, floor: number): void {
    const channels = this.weights.length;
    for (let i = 0; i < frames; ) {
      const n = Math.min(frames - i, this.hop - this.filled);
      let energy = 0;
      for (let pair = 0; pair < pairs; pair++) {
        simd!.run(pair, i, n);
        energy += this.weights[2 * pair]! * (simd!.sumOf(pair, 0) * S16_TO_FLOAT);
        energy += this.weights[2 * pair + 1]! * (simd!.sumOf(pair, 1) * S16_TO_FLOAT);
      }
      for (let c = 2 * pairs; c < channels; c++) {
        const sum = kWeightedSumOfSquaresS16(ints, (first + i) * step + c, n, step, this.filter, this.state, c * K_STATE_SIZE);
        flushSubnormals(this.state, c * K_STATE_SIZE, floor);
        energy += this.weights[c]! * (sum * S16_TO_FLOAT);
      }
      this.current += energy;
      this.filled += n;
      i += n;
      if (this.filled === this.hop) this.closeSub();
    }
  }

  private addConverted(kind: SampleKind, bytes: Uint8Array, frames: number, stride: number): void {
    const scratch = (this.scratch ??= Array.from({ length: this.weights.length }, () => new Float32Array(SCRATCH_FRAMES)));
    for (let i = 0; i < frames; i += SCRATCH_FRAMES) {
      const n = Math.min(SCRATCH_FRAMES, frames - i);
      convertPcm(kind, bytes, i * stride, n, stride, scratch, 0);
      this.add(scratch, 0, n);
    }
  }

  result(): LoudnessResult {
    const gates: Gates = {
      blockNorm: 1 / (BLOCK_SUBS * this.hop),
      shortNorm: 1 / (SHORT_TERM_SUBS * this.hop),
      absolute: ABSOLUTE_GATE_POWER,
      relativeIntegrated: RELATIVE_GATE_INTEGRATED,
      relativeRange: RELATIVE_GATE_RANGE,
    };
    const energies = this.energies.subarray(0, this.subs);
    const gated = SimdKWeighting.shared()?.gate(energies, gates) ?? gateInJavaScript(energies, gates);
    // EBU Tech 3342: the spread between the 10th and 95th percentiles of the kept short-term powers
    // (nearest rank, as libebur128 indexes them).
    const kept = gated.kept.sort();
    const n = kept.length;
    const low = n > 0 ? kept[Math.floor((n - 1) * 0.1 + 0.5)]! : 0;
    const high = n > 0 ? kept[Math.floor((n - 1) * 0.95 + 0.5)]! : 0;
    return {
      integratedLufs: toLufs(gated.integrated),
      loudnessRangeLu: n > 0 ? 10 * Math.log10(high / low) : 0,
      momentaryMaxLufs: toLufs(gated.momentaryMax),
      shortTermMaxLufs: toLufs(gated.shortTermMax),
      integratedThresholdLufs: toLufs(gated.relative),
      rangeThresholdLufs: toLufs(gated.rangeGate),
      rangeLowLufs: toLufs(low),
      rangeHighLufs: toLufs(high),
    };
  }

  private closeSub(): void {
    this.room(1);
    this.energies[this.subs++] = this.current;
    this.current = 0;
    this.filled = 0;
  }

  /** Appends sub-blocks that the kernel completed. */
  private keepSubs(energies: Float64Array): void {
    this.room(energies.length);
    this.energies.set(energies, this.subs);
    this.subs += energies.length;
  }

  private room(more: number): void {
    if (this.subs + more <= this.energies.length) return;
    const grown = new Float64Array(Math.max(this.energies.length * 2, this.subs + more));
    grown.set(this.energies);
    this.energies = grown;
  }
}

/**
 * The gates of `result` over the sub-block energies, in JavaScript; the K-weighting kernel runs
 * the same operations in the same order (SimdKWeighting.gate).
 * - Integrated loudness (BS.1770-4 §2.8): 400 ms blocks every 100 ms, above the absolute gate, then
 *   above the relative gate 10 LU under their mean.
 * - Loudness range (EBU Tech 3342): 3 s short-term windows every 100 ms above the absolute gate,
 *   then at or above the relative gate 20 LU under their mean.
 */
export function gateInJavaScript(e: Float64Array, gates: Gates): Gated {
  const { blockNorm, shortNorm, absolute } = gates;
  const n = e.length;
  let gatedSum = 0;
  let gatedCount = 0;
  let momentaryMax = 0;
  for (let k = BLOCK_SUBS - 1; k < n; k++) {
    const p = (e[k]! + e[k - 1]! + e[k - 2]! + e[k - 3]!) * blockNorm;
    if (p > momentaryMax) momentaryMax = p;
    if (p > absolute) {
      gatedSum += p;
      gatedCount++;
    }
  }
  let integrated = 0;
  let relative = 0;
  if (gatedCount > 0) {
    relative = (gatedSum / gatedCount) * gates.relativeIntegrated;
    let sum = 0;
    let count = 0;
    for (let k = BLOCK_SUBS - 1; k < n; k++) {
      const p = (e[k]! + e[k - 1]! + e[k - 2]! + e[k - 3]!) * blockNorm;
      if (p > absolute && p > relative) {
        sum += p;
        count++;
      }
    }
    // count ≥ 1: the loudest block is above the mean, hence above mean - 10 LU.
    integrated = sum / count;
  }

  let shortTermMax = 0;
  const shortTerm: number[] = [];
  // A running sum, summed afresh every 3 s, so that a loud passage's rounding lingers in the quiet
  // ones after it for 3 s at most; two additions per window rather than thirty.
  let window = 0;
  for (let k = SHORT_TERM_SUBS - 1; k < n; k++) {
    if ((k + 1) % SHORT_TERM_SUBS === 0) {
      window = 0;
      for (let j = k - SHORT_TERM_SUBS + 1; j <= k; j++) window += e[j]!;
    } else {
      window += e[k]! - e[k - SHORT_TERM_SUBS]!;
    }
    const p = window * shortNorm;
    if (p > shortTermMax) shortTermMax = p;
    if (p > absolute) shortTerm.push(p);
  }
  let rangeGate = 0;
  let kept = new Float64Array(0);
  if (shortTerm.length > 0) {
    let mean = 0;
    for (const p of shortTerm) mean += p;
    mean /= shortTerm.length;
    rangeGate = mean * gates.relativeRange;
    kept = Float64Array.from(shortTerm.filter((p) => p >= rangeGate));
  }
  return { momentaryMax, relative, integrated, shortTermMax, rangeGate, kept };
}

function toLufs(power: number): number {
  return power > 0 ? LOUDNESS_OFFSET + 10 * Math.log10(power) : -Infinity;
}

/** Loudness of a whole buffer in one pass. */
export function measureLoudness(audio: AudioBuffer): LoudnessResult {
  const frames = audio.channels[0]?.length ?? 0;
  const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length, frames);
  meter.add(audio.channels, 0, frames);
  return meter.result();
}

/** Gated integrated loudness in LUFS; -Infinity for silence or audio shorter than 400 ms. */
export function integratedLoudness(audio: AudioBuffer): number {
  return measureLoudness(audio).integratedLufs;
}
