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

// compressPair's constants: slots of the Float64Array that compressorKernel fills, followed by
// copies of the log2 and exp2 tables. Typed-array elements reach the loop as raw doubles; V8 does
// not hoist work out of loops, so a constant taken from an object field or a module binding was
// re-checked and converted on every use, and one table instead of three is one map check.
const K_THRESHOLD = 0;
const K_SLOPE = 1;
const K_HALF_KNEE = 2;
const K_KNEE_SCALE = 3;
const K_KNEE_START_BITS = 4;
const K_MAX_REDUCTION = 5;
const K_ATTACK = 6;
const K_RELEASE = 7;
const K_MAKEUP = 8;
const K_MAKEUP_LOG2 = 9;
const K_NEGLIGIBLE = 10;
const K_DB_PER_LOG2 = 11;
const K_EXP2_MIN = 12;
const K_LOG2 = 13;
const K_POW2_INT = K_LOG2 + LOG2_TABLE.length;
const K_POW2_FRAC = K_POW2_INT + POW2_INT.length;
const K_SIZE = K_POW2_FRAC + POW2_FRAC.length;

/** A compressor's curve and ballistics, worked out once per run for `compressPair`. */
export function compressorKernel(curve: GainCurve): Float64Array {
  const k = new Float64Array(K_SIZE);
  const halfKnee = curve.kneeDb / 2;
  k[K_THRESHOLD] = curve.thresholdDb;
  k[K_SLOPE] = curve.slope;
  k[K_HALF_KNEE] = halfKnee;
  // slope / (2·knee): the soft knee's quadratic, eq. 4 of Giannoulis et al. 2012.
  k[K_KNEE_SCALE] = curve.kneeDb > 0 ? curve.slope / (2 * curve.kneeDb) : 0;
  // At or below this float32 level (compared as bits) there is no reduction.
  k[K_KNEE_START_BITS] = floatBits(10 ** ((curve.thresholdDb - halfKnee) / 20));
  k[K_MAX_REDUCTION] = curve.maxReductionDb;
  k[K_ATTACK] = curve.attackCoeff;
  k[K_RELEASE] = curve.releaseCoeff;
  k[K_MAKEUP] = Math.fround(fastExp2(curve.makeupDb / DB_PER_LOG2));
  k[K_MAKEUP_LOG2] = curve.makeupDb / DB_PER_LOG2;
  k[K_NEGLIGIBLE] = NEGLIGIBLE_DB;
  k[K_DB_PER_LOG2] = DB_PER_LOG2;
  k[K_EXP2_MIN] = EXP2_MIN;
  k.set(LOG2_TABLE, K_LOG2);
  k.set(POW2_INT, K_POW2_INT);
  k.set(POW2_FRAC, K_POW2_FRAC);
  return k;
}

/**
 * `linkedPeak`, `computeGains` and the gain in one pass over frames [start, end) of a stereo pair
 * (or of one channel passed twice), in place, with no scratch arrays. `aBits` and `bBits` are
 * Int32Array views of `a` and `b`: the peak is taken on the floats' bits, where clearing the sign
 * bit is |x| and, for non-negative floats, the integer order is the numeric one, so the level
 * needs no conversion before the table log2. The same curve, ballistics and shortcuts as
 * `computeGains` (no log below the knee, no exp while the reduction is negligible), with
 * log2FromFloat32Bits and fastExp2 written out over the kernel's copies of their tables.
 */
export function compressPair(a: Float32Array, b: Float32Array, aBits: Int32Array, bBits: Int32Array, start: number, end: number, state: Float64Array, k: Float64Array): void {
  const thresholdDb = k[K_THRESHOLD]!;
  const slope = k[K_SLOPE]!;
  const halfKnee = k[K_HALF_KNEE]!;
  const kneeScale = k[K_KNEE_SCALE]!;
  const kneeStartBits = k[K_KNEE_START_BITS]! | 0;
  const maxReductionDb = k[K_MAX_REDUCTION]!;
  const attackCoeff = k[K_ATTACK]!;
  const releaseCoeff = k[K_RELEASE]!;
  const makeup = k[K_MAKEUP]!;
  const makeupLog2 = k[K_MAKEUP_LOG2]!;
  const negligible = k[K_NEGLIGIBLE]!;
  const log2At = K_LOG2 | 0;
  const pow2IntAt = K_POW2_INT | 0;
  const pow2FracAt = K_POW2_FRAC | 0;
  const attackIn = 1 - attackCoeff;
  const releaseIn = 1 - releaseCoeff;
  const dbPerLog2 = k[K_DB_PER_LOG2]!;
  const log2PerDb = 1 / dbPerLog2;
  const expMin = k[K_EXP2_MIN]!;
  let y1 = state[0]!;
  let yL = state[1]!;
  const stop = end | 0;
  for (let i = start | 0; i < stop; i++) {
    const ua = aBits[i]! & 0x7fffffff;
    const ub = bBits[i]! & 0x7fffffff;
    // max(ua, ub) without a branch, which the louder channel changing at random would mispredict.
    const diff = (ua - ub) | 0;
    const bits = (ua - (diff & (diff >> 31))) | 0;
    if (bits > kneeStartBits) {
      // log2FromFloat32Bits; the sign bit is clear, so bits >> 23 is the biased exponent.
      const idx = log2At + ((bits >> 11) & 4095);
      const t0 = k[idx]!;
      const log2 = (bits >> 23) - 127 + t0 + (bits & 2047) * (1 / 2048) * (k[idx + 1]! - t0);
      const over = dbPerLog2 * log2 - thresholdDb;
      let xL = 0;
      if (over >= halfKnee) xL = slope * over;
      else if (over > -halfKnee) {
        const d = over + halfKnee;
        xL = kneeScale * d * d;
      }
      if (xL > maxReductionDb) xL = maxReductionDb;
      const released = releaseCoeff * y1 + releaseIn * xL;
      y1 = xL > released ? xL : released;
    } else y1 *= releaseCoeff;
    yL = attackCoeff * yL + attackIn * y1;
    let g = makeup;
    if (yL < negligible) {
      // Flushing keeps a long silence from decaying the state into (slow) subnormal numbers.
      if (y1 < negligible) y1 = 0;
      if (yL < 1e-30) yL = 0;
      if (makeup === 1) continue;
    } else {
      // fastExp2 of makeupLog2 − yL/DB_PER_LOG2; x ≤ makeupLog2 (yL ≥ 0), far below EXP2_MAX.
      let x = makeupLog2 - yL * log2PerDb;
      if (x < expMin) x = expMin;
      const f = (x - expMin) * 256;
      const j = f | 0;
      const r = (f - j) * (Math.LN2 / 256);
      g = k[pow2IntAt + (j >> 8)]! * k[pow2FracAt + (j & 255)]! * (1 + r * (1 + r * (0.5 + r * (1 / 6))));
    }
    // Both read before either is written, so a mono channel passed as both is scaled once.
    const x = a[i]!;
    const y = b[i]!;
    a[i] = x * g;
    b[i] = y * g;
  }
  state[0] = y1;
  state[1] = yL;
}

/**
 * Runs compressPair once over a short stereo ramp from −80 to +6 dBFS with `k`, on scratch arrays,
 * so that every path of its loop (below the knee, in it, above it, idle and reducing) has run
 * before V8 optimizes it. Otherwise a path first taken in optimized code (the first loud sample
 * after a quiet intro, say) throws the loop back to the interpreter and recompiles it, once per
 * such path, which measured up to 250 ms on a 180 s file.
 */
export function warmUpCompressPair(k: Float64Array): void {
  const frames = 512;
  const a = new Float32Array(frames);
  for (let i = 0; i < frames; i++) a[i] = (i & 1 ? -1 : 1) * 10 ** ((-80 + (86 * i) / frames) / 20);
  const b = a.slice();
  compressPair(a, b, new Int32Array(a.buffer), new Int32Array(b.buffer), 0, frames, new Float64Array(2), k);
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
