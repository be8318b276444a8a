// The log-domain gain computer and ballistics shared by the compressor and the de-esser, with the
// table-based log2 and exp2 that keep Math.log2/Math.exp out of their per-sample loops.

/** 20·log10(x) = DB_PER_LOG2 · log2(x). */
export const DB_PER_LOG2 = 20 * Math.log10(2);
// Gain reduction below this many dB is treated as none: a gain error under 1e-8.
const NEGLIGIBLE_DB = 1e-7;

// log2(1 + j/4096), j = 0..4096, interpolated linearly: the error is below 1.1e-8 (6.5e-8 dB).
const LOG2_TABLE_BITS = 12;
const LOG2_TABLE = Float64Array.from({ length: (1 << LOG2_TABLE_BITS) + 1 }, (_, j) => Math.log2(1 + j / (1 << LOG2_TABLE_BITS)));
const LOG2_FRAC_SCALE = 1 / (1 << (23 - LOG2_TABLE_BITS));

/** log2 of a positive, normal float32 given by its bit pattern (IEEE 754: exponent, then mantissa). */
export function log2FromFloat32Bits(bits: number): number {
  const idx = (bits >> (23 - LOG2_TABLE_BITS)) & ((1 << LOG2_TABLE_BITS) - 1);
  const frac = (bits & ((1 << (23 - LOG2_TABLE_BITS)) - 1)) * LOG2_FRAC_SCALE;
  const t0 = LOG2_TABLE[idx]!;
  return ((bits >> 23) & 0xff) - 127 + t0 + frac * (LOG2_TABLE[idx + 1]! - t0);
}

// 2^x = 2^k · 2^(j/256) · e^(r·ln2) with k integer, j in 0..255 and r in [0, 1/256); the cubic for
// e^(r·ln2) errs by under 3e-12. Exponents are clamped to [−120, 40]: 2^−120 is −722 dB, silence.
const EXP2_MIN = -120;
const EXP2_MAX = 40;
const POW2_INT = Float64Array.from({ length: EXP2_MAX - EXP2_MIN + 1 }, (_, k) => 2 ** (k + EXP2_MIN));
const POW2_FRAC = Float64Array.from({ length: 256 }, (_, j) => 2 ** (j / 256));

export function fastExp2(x: number): number {
  const g = x < EXP2_MIN ? EXP2_MIN : x > EXP2_MAX ? EXP2_MAX : x;
  const k = Math.floor(g);
  const f = (g - k) * 256;
  const j = f | 0;
  const r = (f - j) * (Math.LN2 / 256);
  return POW2_INT[k - EXP2_MIN]! * POW2_FRAC[j]! * (1 + r * (1 + r * (0.5 + r * (1 / 6))));
}

/** A static curve and its ballistics, in the log domain (Giannoulis, Massberg & Reiss 2012). */
export type GainCurve = {
  thresholdDb: number;
  /** 1 − 1/ratio: how many dB of reduction per dB over the threshold. */
  slope: number;
  kneeDb: number;
  /** Cap on the reduction in dB (a de-esser's range); Infinity for none. */
  maxReductionDb: number;
  attackCoeff: number;
  releaseCoeff: number;
  makeupDb: number;
};

/** exp(−1/(τ·fs)): the one-pole coefficient that reaches 1 − 1/e of a step in τ. */
export function timeCoeff(ms: number, sampleRate: number): number {
  return Math.exp(-1 / ((ms / 1000) * sampleRate));
}

/** Reduction in dB that the static curve gives at `levelDb` (eq. 4 of Giannoulis et al. 2012). */
export function staticReductionDb(levelDb: number, thresholdDb: number, ratio: number, kneeDb: number): number {
  const over = levelDb - thresholdDb;
  const slope = 1 - 1 / ratio;
  if (2 * over >= kneeDb) return slope * over;
  if (2 * over <= -kneeDb) return 0;
  const d = over + kneeDb / 2;
  return (slope * d * d) / (2 * kneeDb);
}

/**
 * Per-frame sidechain levels (linear peaks, as float32) in, linear gains (makeup included) out,
 * with the detector state (`state[0]` = y₁, `state[1]` = y_L, dB of reduction) carried across
 * blocks. `levelBits` is an Int32Array over the same memory as `level`.
 *
 * Gain computer: the soft-knee curve of Giannoulis, Massberg & Reiss 2012, "Digital Dynamic Range
 * Compressor Design — A Tutorial and Analysis", eq. 4. Ballistics: their smooth decoupled peak
 * detector (eq. 17) on the gain reduction x_L: y₁ = max(x_L, α_R·y₁ + (1−α_R)·x_L), then
 * y_L = α_A·y_L + (1−α_A)·y₁. A step up reaches 63 % of its reduction in the attack time; a step
 * down lets go with the release time (lagged a little by the attack smoothing).
 *
 * Speed: below the knee's start there is no reduction and no log (the compare is on the float's
 * bits, which order like the values for positive floats); with no reduction left the gain is the
 * makeup and there is no exp. Returns whether any gain in the block differs from 1.
 */
export function computeGains(levelBits: Int32Array, n: number, gains: Float32Array, state: Float64Array, curve: GainCurve): boolean {
  const { thresholdDb, slope, maxReductionDb, attackCoeff, releaseCoeff, makeupDb } = curve;
  const halfKnee = curve.kneeDb / 2;
  const kneeScale = curve.kneeDb > 0 ? slope / (2 * curve.kneeDb) : 0;
  const kneeStartBits = floatBits(10 ** ((thresholdDb - halfKnee) / 20));
  const attackIn = 1 - attackCoeff;
  const releaseIn = 1 - releaseCoeff;
  const makeup = Math.fround(fastExp2(makeupDb / DB_PER_LOG2));
  const makeupLog2 = makeupDb / DB_PER_LOG2;
  const log2PerDb = 1 / DB_PER_LOG2;
  let y1 = state[0]!;
  let yL = state[1]!;
  let changed = makeup !== 1;
  for (let i = 0; i < n; i++) {
    const bits = levelBits[i]!;
    let xL = 0;
    if (bits > kneeStartBits) {
      const over = DB_PER_LOG2 * log2FromFloat32Bits(bits) - thresholdDb;
      if (over >= halfKnee) xL = slope * over;
      else if (over > -halfKnee) {
        const d = over + halfKnee;
        xL = kneeScale * d * d;
      }
      if (xL > maxReductionDb) xL = maxReductionDb;
    }
    const released = releaseCoeff * y1 + releaseIn * xL;
    y1 = xL > released ? xL : released;
    yL = attackCoeff * yL + attackIn * y1;
    if (yL < NEGLIGIBLE_DB) {
      // Flushing keeps a long silence from decaying the state into (slow) subnormal numbers.
      if (y1 < NEGLIGIBLE_DB) y1 = 0;
      if (yL < 1e-30) yL = 0;
      gains[i] = makeup;
    } else {
      gains[i] = fastExp2(makeupLog2 - yL * log2PerDb);
      changed = true;
    }
  }
  state[0] = y1;
  state[1] = yL;
  return changed;
}

const BITS_F32 = new Float32Array(1);
const BITS_I32 = new Int32Array(BITS_F32.buffer);

function floatBits(x: number): number {
  BITS_F32[0] = x;
  return BITS_I32[0]!;
}

/** Stereo-linked peak: the largest |x| over the channels, frame by frame, into level[0, end − start). */
export function linkedPeak(channels: Float32Array[], start: number, end: number, level: Float32Array): void {
  const n = end - start;
  const first = channels[0]!;
  if (channels.length === 2) {
    const second = channels[1]!;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(first[start + i]!);
      const b = Math.abs(second[start + i]!);
      level[i] = a > b ? a : b;
    }
    return;
  }
  for (let i = 0; i < n; i++) level[i] = Math.abs(first[start + i]!);
  for (let c = 1; c < channels.length; c++) {
    const ch = channels[c]!;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(ch[start + i]!);
      if (a > level[i]!) level[i] = a;
    }
  }
}

/** Grows a scratch buffer when a block is longer than any before; blocks of the chain never are. */
export function scratch(buf: Float32Array, n: number): Float32Array {
  return buf.length >= n ? buf : new Float32Array(n);
}

/** A float32 scratch buffer and an Int32Array over its bits, grown when a block is longer than any before. */
export class LevelBuffer {
  values: Float32Array = new Float32Array(0);
  bits: Int32Array = new Int32Array(0);

  ensure(n: number): void {
    if (this.values.length >= n) return;
    this.values = new Float32Array(n);
    this.bits = new Int32Array(this.values.buffer);
  }
}
