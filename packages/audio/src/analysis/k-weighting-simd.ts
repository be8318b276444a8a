import { instantiate, type WasmMemory } from "../wasm/wasm-instance";
import { K_STATE_SIZE, kWeightingTaps, type KWeighting } from "./k-weighting";
import { K_WEIGHTING_KERNEL_WASM } from "./k-weighting-kernel.wasm";

/**
 * Memory holds the coefficients (each in both lanes: β1 β2 a1 a2 c1 c2, then the subnormal floor),
 * the meter's scaling (the filter's gain and the samples' scale, each in both lanes), the meter's
 * running sub-block (its energy so far as an f64, then the frames in it and the frames per sub-block
 * as i32), the kernel's block of input-filtered frames (an f64x2 each), per channel pair ten f64x2
 * values (x1 x2 p1 p2 u1 u2 w1 w2 as in K_STATE_SIZE, the two sums of squares, the two channels'
 * weights), then the energies of the sub-blocks that a piece completes, then the piece of
 * interleaved 16-bit frames being measured.
 */
export const COEFFICIENTS = ["B1", "B2", "A1", "A2", "C1", "C2"] as const;
export const FLOOR_OFFSET = COEFFICIENTS.length * 16;
export const GAIN_OFFSET = FLOOR_OFFSET + 16;
export const SCALE_OFFSET = GAIN_OFFSET + 16;
/** The running sub-block: its energy (f64) at +0, its frames (i32) at +8, the frames per sub-block (i32) at +12. */
export const METER_OFFSET = SCALE_OFFSET + 16;
export const FILTERED_OFFSET = METER_OFFSET + 16;
/** Frames per block of the kernel's two loops: even, and 32 KiB of filtered input. */
export const FILTERED_FRAMES = 2048;
/** One filtered frame: an f64x2. */
export const FILTERED_FRAME_BYTES = 16;
export const PAIRS_START = FILTERED_OFFSET + FILTERED_FRAMES * FILTERED_FRAME_BYTES;
export const SUM_OFFSET = K_STATE_SIZE * 16;
export const WEIGHTS_OFFSET = SUM_OFFSET + 16;
export const PAIR_BYTES = WEIGHTS_OFFSET + 16;
const PAGE_BYTES = 65_536;
/**
 * Audio is copied in and measured a piece at a time: a small region stays in the cache, and is not
 * fresh memory for the system to map in. On the virtual machines measured, a fresh page costs about
 * 12 µs, so a fresh megabyte (3 ms) costs more than measuring it (0.9 ms).
 */
const STAGE_BYTES = 64 * 1024;

/** How the sums of a meter's sub-blocks are made (LoudnessMeter.addPcm): energy = Σ weight · (sum · gain · scale), per sub-block. */
export type SubBlocks = {
  /** Each channel's weight. */
  weights: Float64Array;
  /** What the samples' sums of squares are multiplied by, after the filter's gain. */
  scale: number;
  /** Frames per sub-block. */
  hop: number;
  /** The sub-block under way: its energy so far, and how many of its frames that holds. */
  current: number;
  filled: number;
};

type PairFunction = (src: number, frames: number, stride: number, state: number) => void;
type MeasureFunction = (src: number, frames: number, stride: number, pairs: number, closed: number) => number;
type GateFunction = (n: number, shortAt: number, resultAt: number, blockNorm: number, shortNorm: number, absolute: number, relativeIntegrated: number, relativeRange: number) => number;

/** The gates and normalisations of LoudnessMeter.result, as powers (linear). */
export type Gates = { blockNorm: number; shortNorm: number; absolute: number; relativeIntegrated: number; relativeRange: number };

/** What the gating of a meter's sub-blocks gives (see LoudnessMeter.result): powers, 0 where nothing passed. */
export type Gated = {
  momentaryMax: number;
  /** The integrated loudness's relative gate, and the mean power of the blocks above both gates. */
  relative: number;
  integrated: number;
  shortTermMax: number;
  /** The loudness range's relative gate, and the short-term powers above both of its gates, in order. */
  rangeGate: number;
  kept: Float64Array;
};

/**
 * `kWeightedSumOfSquaresS16` for two channels at once: the same operations in the same order, on
 * the two lanes of WebAssembly's f64x2, so each lane's result is the JavaScript loop's bit for bit.
 * It runs at full speed from its first call, with no interpreted phase: JavaScript first interprets
 * the loop, boxing every intermediate double, until the optimizing compiler takes over (18–22 ms
 * for the first megabyte of a cold `studio analyze --loudness`, against 5–8 ms here). Warm, the
 * kernel measures a 180 s stereo song in 20–21 ms (its input filter and its recursions in
 * separate loops; 26 ms in one loop), and the JavaScript loop in about 35 ms.
 *
 * With every channel in a pair, `measure` also adds the sums up into a meter's 100 ms sub-blocks,
 * so a song runs no JavaScript per sub-block: that loop ran interpreted through most of a song,
 * boxing its doubles, until the optimizing compiler took it (2% of `studio analyze --loudness`).
 *
 * One kernel instance per thread, shared by every meter on it: a meter brings its state in, stages
 * and measures its audio piece by piece, and takes its state back within one synchronous call.
 * The kernel's code is in k-weighting-kernel.ts.
 */
export class SimdKWeighting {
  private static instance: SimdKWeighting | null | undefined;

  /** The thread's kernel, or null where WebAssembly SIMD is unavailable (the JavaScript loop then runs). */
  static shared(): SimdKWeighting | null {
    if (SimdKWeighting.instance === undefined) {
      try {
        SimdKWeighting.instance = new SimdKWeighting(instantiate(K_WEIGHTING_KERNEL_WASM));
      } catch {
        SimdKWeighting.instance = null;
      }
    }
    return SimdKWeighting.instance;
  }

  private readonly memory: WasmMemory;
  private readonly pair: PairFunction;
  private readonly measureFn: MeasureFunction;
  private readonly gateFn: GateFunction;
  private f64 = new Float64Array(0);
  private closedStart = 0;
  private dataStart = 0;
  private stride = 0;
  private pairs = 0;
  private gain = 1;

  private constructor(exports: Record<string, unknown>) {
    this.memory = exports.memory as WasmMemory;
    this.pair = exports.pair as PairFunction;
    this.measureFn = exports.measure as MeasureFunction;
    this.gateFn = exports.gate as GateFunction;
  }

  /**
   * Takes `filter` with the floor below which recursion state is zeroed after each run, and the
   * state of the first `pairs` channel pairs (K_STATE_SIZE values per channel in `state`, in the
   * 16-bit domain) for audio of `stride` bytes per frame; with `subBlocks`, also how `measure` makes
   * sub-blocks of them. Returns how many frames `stage` takes at a time.
   */
  begin(filter: KWeighting, floor: number, state: Float64Array, pairs: number, stride: number, subBlocks?: SubBlocks): number {
    const pieceFrames = Math.max(1, Math.floor(STAGE_BYTES / stride));
    // A piece completes at most this many sub-blocks.
    const closedCapacity = subBlocks ? Math.ceil(pieceFrames / subBlocks.hop) + 1 : 0;
    this.closedStart = PAIRS_START + pairs * PAIR_BYTES;
    this.dataStart = this.closedStart + Math.ceil(closedCapacity / 2) * 16;
    this.stride = stride;
    this.pairs = pairs;
    this.reserve(this.dataStart + pieceFrames * stride);
    this.f64 = new Float64Array(this.memory.buffer);
    const taps = kWeightingTaps(filter);
    [taps.beta1, taps.beta2, taps.a1, taps.a2, taps.c1, taps.c2, floor].forEach((value, k) => this.f64.fill(value, 2 * k, 2 * k + 2));
    this.gain = taps.gain;
    for (let pair = 0; pair < pairs; pair++) {
      const lanes = (PAIRS_START + pair * PAIR_BYTES) / 8;
      for (let k = 0; k < K_STATE_SIZE; k++) {
        this.f64[lanes + 2 * k] = state[2 * pair * K_STATE_SIZE + k]!;
        this.f64[lanes + 2 * k + 1] = state[(2 * pair + 1) * K_STATE_SIZE + k]!;
      }
    }
    if (subBlocks) {
      this.f64.fill(taps.gain, GAIN_OFFSET / 8, GAIN_OFFSET / 8 + 2);
      this.f64.fill(subBlocks.scale, SCALE_OFFSET / 8, SCALE_OFFSET / 8 + 2);
      this.f64[METER_OFFSET / 8] = subBlocks.current;
      new Int32Array(this.memory.buffer, METER_OFFSET + 8, 2).set([subBlocks.filled, subBlocks.hop]);
      for (let pair = 0; pair < pairs; pair++) {
        const weights = (PAIRS_START + pair * PAIR_BYTES + WEIGHTS_OFFSET) / 8;
        this.f64[weights] = subBlocks.weights[2 * pair]!;
        this.f64[weights + 1] = subBlocks.weights[2 * pair + 1]!;
      }
    }
    return pieceFrames;
  }

  /** Copies the next piece of interleaved frames in: at most the frames `begin` returned. */
  stage(bytes: Uint8Array): void {
    new Uint8Array(this.memory.buffer, this.dataStart, bytes.length).set(bytes);
  }

  /**
   * Runs channels 2·pair and 2·pair + 1 over `frames` frames of the staged piece from its frame
   * `first`; their sums of squares are then `sumOf(pair, 0)` and `sumOf(pair, 1)`.
   */
  run(pair: number, first: number, frames: number): void {
    this.pair(this.dataStart + first * this.stride + pair * 4, frames, this.stride, PAIRS_START + pair * PAIR_BYTES);
  }

  /** The K-weighted sum of squares of the last `run`, unscaled (as `kWeightedSumOfSquaresS16` returns it). */
  sumOf(pair: number, lane: 0 | 1): number {
    return this.f64[(PAIRS_START + pair * PAIR_BYTES + SUM_OFFSET) / 8 + lane]! * this.gain;
  }

  /**
   * Runs every pair over the staged piece's first `frames` frames and adds their weighted energy to
   * the sub-blocks (`begin`'s `subBlocks`), as LoudnessMeter.add does: per stretch of frames up to
   * the end of a sub-block, energy = Σ over the channels in order of weight · (sum of squares ·
   * gain · scale), then added to the sub-block under way. Returns the energies of the sub-blocks
   * that completed, in order (a view, valid until the next call); `subBlock` tells the one under way.
   */
  measure(frames: number): Float64Array {
    const closed = this.measureFn(this.dataStart, frames, this.stride, this.pairs, this.closedStart);
    return this.f64.subarray(this.closedStart / 8, this.closedStart / 8 + closed);
  }

  /** The sub-block under way after `measure`: its energy so far and its frames. */
  subBlock(): { current: number; filled: number } {
    return { current: this.f64[METER_OFFSET / 8]!, filled: new Int32Array(this.memory.buffer, METER_OFFSET + 8, 1)[0]! };
  }

  /**
   * The gating of LoudnessMeter.result over `energies` (one per 100 ms sub-block), with the same
   * operations in the same order as its JavaScript: over a 3-minute song that runs once, interpreted,
   * in 5 ms; here in a few microseconds. Uses the memory that the measuring leaves free between calls.
   */
  gate(energies: Float64Array, gates: Gates): Gated {
    const n = energies.length;
    // The energies, then as many short-term powers at most, each from a 16-byte boundary, then the results.
    const arrayBytes = Math.ceil((n * 8) / 16) * 16;
    const shortAt = arrayBytes;
    const resultAt = shortAt + arrayBytes;
    this.reserve(resultAt + 5 * 8);
    const memory = new Float64Array(this.memory.buffer);
    memory.set(energies, 0);
    const kept = this.gateFn(n, shortAt, resultAt, gates.blockNorm, gates.shortNorm, gates.absolute, gates.relativeIntegrated, gates.relativeRange);
    const [momentaryMax, relative, integrated, shortTermMax, rangeGate] = memory.subarray(resultAt / 8, resultAt / 8 + 5);
    return { momentaryMax: momentaryMax!, relative: relative!, integrated: integrated!, shortTermMax: shortTermMax!, rangeGate: rangeGate!, kept: memory.slice(shortAt / 8, shortAt / 8 + kept) };
  }

  /** Grows the memory to at least `bytes` (which detaches views of the old buffer). */
  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  }

  /** Writes the pairs' state back into `state`. */
  end(state: Float64Array, pairs: number): void {
    for (let pair = 0; pair < pairs; pair++) {
      const lanes = (PAIRS_START + pair * PAIR_BYTES) / 8;
      for (let k = 0; k < K_STATE_SIZE; k++) {
        state[2 * pair * K_STATE_SIZE + k] = this.f64[lanes + 2 * k]!;
        state[(2 * pair + 1) * K_STATE_SIZE + k] = this.f64[lanes + 2 * k + 1]!;
      }
    }
  }
}
