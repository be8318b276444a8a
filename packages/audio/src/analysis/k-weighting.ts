/**
 * The K-weighting pre-filter of ITU-R BS.1770-4: a high shelf (+4 dB above ~1.7 kHz, the head's
 * acoustic effect) followed by the RLB high-pass (~38 Hz). BS.1770 tabulates the coefficients for
 * 48 kHz only; like libebur128 (ebur128_init_filter) we derive them for any rate from the analog
 * prototype's parameters (f0, gain, Q) by the bilinear transform with pre-warping, which reproduces
 * the 48 kHz table to about 1e-9.
 */

/** Coefficients of one biquad, normalised so that a0 = 1: y = b0·x + b1·x1 + b2·x2 − a1·y1 − a2·y2. */
export type Biquad = { b0: number; b1: number; b2: number; a1: number; a2: number };

export type KWeighting = { shelf: Biquad; highpass: Biquad };

/**
 * Float64 state per channel for the loops below: x1, x2 (input), p1, p2 (after the high-pass's
 * zeros), u1, u2 (after the shelf), w1, w2 (after the high-pass's poles).
 */
export const K_STATE_SIZE = 8;

export function kWeighting(sampleRate: number): KWeighting {
  // Stage 1, high shelf (libebur128's prototype values).
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  // Below ~3.4 kHz sampling the shelf would sit above Nyquist and the transform turn unstable;
  // such rates (telephony and below) get the shelf pinned just under Nyquist instead.
  let k = Math.tan((Math.PI * Math.min(f0, 0.49 * sampleRate)) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  // Stage 2, RLB high-pass. BS.1770 keeps the numerator at [1, -2, 1] (no 1/a0), so the pass band
  // sits a hair above 0 dB; the -0.691 dB in the loudness formula is calibrated for exactly that.
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * Math.min(f0, 0.49 * sampleRate)) / sampleRate);
  a0 = 1 + k / q + k * k;
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return { shelf, highpass };
}

/**
 * Plain sample statistics of one channel, gathered in the K-weighting loop: the filter's recursion
 * keeps the CPU waiting on each previous result, so this independent work comes almost for free
 * (analyzeAudio saves a pass).
 */
export type SampleStats = {
  /** Largest |x| per block of `blockSize` frames; merged with max, so start it at 0. */
  blockMax: Float32Array;
  blockSize: number;
  /** |x| at or above this counts as clipped. */
  clipLevel: number;
  sumSquares: number;
  clipped: number;
};

/**
 * The loops below run the two stages in an order that does less work per sample than shelf, then
 * high-pass, with the same result (linear time-invariant stages commute, and float64 keeps the
 * rounding far below what loudness can show):
 *   p = x − 2·x1 + x2                       the high-pass's zeros (BS.1770 keeps them at [1, −2, 1]),
 *   u = p + β1·p1 + β2·p2 − a2·u2 − a1·u1   the shelf with its numerator divided by b0 (βk = bk / b0),
 *   w = u − c2·w2 − c1·w1                   the high-pass's poles;
 * the K-weighted output is b0·w, so the sum of its squares is b0²·Σw². That is 15 operations per
 * sample instead of 19, and the newest output of each recursion is subtracted last, so the next
 * sample waits on one multiply and one subtraction rather than three operations.
 */
type Taps = { beta1: number; beta2: number; a1: number; a2: number; c1: number; c2: number; gain: number };

function tapsOf(filter: KWeighting): Taps {
  const { b0, b1, b2, a1, a2 } = filter.shelf;
  return { beta1: b1 / b0, beta2: b2 / b0, a1, a2, c1: filter.highpass.a1, c2: filter.highpass.a2, gain: b0 * b0 };
}

const tapsCache = new WeakMap<KWeighting, Taps>();

/** The loop's coefficients (above) for `filter`, worked out once per filter. */
export function kWeightingTaps(filter: KWeighting): Taps {
  let t = tapsCache.get(filter);
  if (!t) tapsCache.set(filter, (t = tapsOf(filter)));
  return t;
}

/**
 * Runs x[start, end) through the K-weighting (see above; float64, state in `state[offset..+8)`)
 * and returns the sum of squares of the K-weighted output; with `stats`, also accumulates those.
 * One call per channel per block: the coefficients live in locals for the inner loop.
 */
export function kWeightedSumOfSquares(
  x: Float32Array,
  start: number,
  end: number,
  filter: KWeighting,
  state: Float64Array,
  offset: number,
  stats?: SampleStats,
): number {
  const { beta1, beta2, a1, a2, c1, c2, gain } = kWeightingTaps(filter);
  let x1 = state[offset]!;
  let x2 = state[offset + 1]!;
  let p1 = state[offset + 2]!;
  let p2 = state[offset + 3]!;
  let u1 = state[offset + 4]!;
  let u2 = state[offset + 5]!;
  let w1 = state[offset + 6]!;
  let w2 = state[offset + 7]!;
  let sum = 0;
  if (stats) {
    const { blockMax, blockSize, clipLevel } = stats;
    let squares = 0;
    let clipped = 0;
    for (let b = start; b < end; ) {
      const k = Math.floor(b / blockSize);
      const stop = Math.min(end, (k + 1) * blockSize);
      let max = 0;
      for (let i = b; i < stop; i++) {
        const v = x[i]!;
        const p = v - 2 * x1 + x2;
        const u = p + beta1 * p1 + beta2 * p2 - a2 * u2 - a1 * u1;
        const w = u - c2 * w2 - c1 * w1;
        x2 = x1;
        x1 = v;
        p2 = p1;
        p1 = p;
        u2 = u1;
        u1 = u;
        w2 = w1;
        w1 = w;
        sum += w * w;
        const a = Math.abs(v);
        max = Math.max(max, a);
        squares += v * v;
        clipped += a >= clipLevel ? 1 : 0;
      }
      if (max > blockMax[k]!) blockMax[k] = max;
      b = stop;
    }
    stats.sumSquares += squares;
    stats.clipped += clipped;
  } else {
    for (let i = start; i < end; i++) {
      const v = x[i]!;
      const p = v - 2 * x1 + x2;
      const u = p + beta1 * p1 + beta2 * p2 - a2 * u2 - a1 * u1;
      const w = u - c2 * w2 - c1 * w1;
      x2 = x1;
      x1 = v;
      p2 = p1;
      p1 = p;
      u2 = u1;
      u1 = u;
      w2 = w1;
      w1 = w;
      sum += w * w;
    }
  }
  // Flush subnormals: after long silence the recursions decay into them, and they are slow on x86.
  state[offset] = x1;
  state[offset + 1] = x2;
  state[offset + 2] = p1;
  state[offset + 3] = p2;
  state[offset + 4] = Math.abs(u1) < 1e-30 ? 0 : u1;
  state[offset + 5] = Math.abs(u2) < 1e-30 ? 0 : u2;
  state[offset + 6] = Math.abs(w1) < 1e-30 ? 0 : w1;
  state[offset + 7] = Math.abs(w2) < 1e-30 ? 0 : w2;
  return sum * gain;
}

/** 16-bit samples are read as integers: 2^15 times the float path's values. */
export const S16_SCALE = 32768;

/**
 * `kWeightedSumOfSquares` over one channel of interleaved 16-bit PCM, read straight from the file's
 * bytes: samples ints[first], ints[first + step], ... (`frames` of them). It works on values 2^15
 * times the float path's: the input history x1, x2 are integers (the high-pass's zeros run in exact
 * integer arithmetic), and the state must be scaled by 2^15 on the way in and 2^-15 on the way out,
 * the sum by 2^-30 (see `LoudnessMeter.addPcm`). Scaling by a power of two is exact in floating
 * point, so the result is the float path's on the converted samples, bit for bit, without the
 * conversion pass or its buffer.
 *
 * Nothing but the loop is done here, and the state is stored unscaled: V8 compiles a loop that turns
 * hot in its first call (on-stack replacement) before the code after it has ever run, and any
 * arithmetic there would then deoptimize on every exit until the regular optimized code arrives,
 * which on a busy machine can take most of a song at a quarter of the speed.
 */
export function kWeightedSumOfSquaresS16(
  ints: Int16Array,
  first: number,
  frames: number,
  step: number,
  filter: KWeighting,
  state: Float64Array,
  offset: number,
): number {
  const { beta1, beta2, a1, a2, c1, c2, gain } = kWeightingTaps(filter);
  let x1 = state[offset]! | 0;
  let x2 = state[offset + 1]! | 0;
  let p1 = state[offset + 2]!;
  let p2 = state[offset + 3]!;
  let u1 = state[offset + 4]!;
  let u2 = state[offset + 5]!;
  let w1 = state[offset + 6]!;
  let w2 = state[offset + 7]!;
  let sum = 0;
  const end = first + frames * step;
  for (let k = first; k < end; k += step) {
    const v = ints[k]!;
    const p = (v - 2 * x1 + x2) | 0;
    const u = p + beta1 * p1 + beta2 * p2 - a2 * u2 - a1 * u1;
    const w = u - c2 * w2 - c1 * w1;
    x2 = x1;
    x1 = v;
    p2 = p1;
    p1 = p;
    u2 = u1;
    u1 = u;
    w2 = w1;
    w1 = w;
    sum += w * w;
  }
  state[offset] = x1;
  state[offset + 1] = x2;
  state[offset + 2] = p1;
  state[offset + 3] = p2;
  state[offset + 4] = u1;
  state[offset + 5] = u2;
  state[offset + 6] = w1;
  state[offset + 7] = w2;
  return sum * gain;
}

/** Multiplies a channel's state by `scale` (a power of two: exact), e.g. into and out of the 16-bit domain. */
export function scaleState(state: Float64Array, offset: number, scale: number): void {
  for (let k = offset; k < offset + K_STATE_SIZE; k++) state[k]! *= scale;
}

/**
 * Zeroes recursion state below `floor`, as `kWeightedSumOfSquares` does at 1e-30: after long
 * silence the recursions decay into subnormal numbers, which are slow on x86.
 */
export function flushSubnormals(state: Float64Array, offset: number, floor: number): void {
  for (let k = offset + 4; k < offset + K_STATE_SIZE; k++) if (Math.abs(state[k]!) < floor) state[k] = 0;
}
