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

/** Float64 state per channel for `kWeightedSumOfSquares`: x1, x2 (input), y1, y2 (shelf), z1, z2 (high-pass). */
export const K_STATE_SIZE = 6;

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
 * Runs x[start, end) through both stages (direct form I in float64, state in `state[offset..+6)`)
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
  const { b0, b1, b2, a1, a2 } = filter.shelf;
  const c1 = filter.highpass.a1;
  const c2 = filter.highpass.a2;
  let x1 = state[offset]!;
  let x2 = state[offset + 1]!;
  let y1 = state[offset + 2]!;
  let y2 = state[offset + 3]!;
  let z1 = state[offset + 4]!;
  let z2 = state[offset + 5]!;
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
        const y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        const z = y - 2 * y1 + y2 - c1 * z1 - c2 * z2;
        x2 = x1;
        x1 = v;
        y2 = y1;
        y1 = y;
        z2 = z1;
        z1 = z;
        sum += z * z;
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
      const y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      const z = y - 2 * y1 + y2 - c1 * z1 - c2 * z2;
      x2 = x1;
      x1 = v;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      sum += z * z;
    }
  }
  // Flush subnormals: after long silence the recursion decays into them, and they are slow on x86.
  state[offset] = x1;
  state[offset + 1] = x2;
  state[offset + 2] = Math.abs(y1) < 1e-30 ? 0 : y1;
  state[offset + 3] = Math.abs(y2) < 1e-30 ? 0 : y2;
  state[offset + 4] = Math.abs(z1) < 1e-30 ? 0 : z1;
  state[offset + 5] = Math.abs(z2) < 1e-30 ? 0 : z2;
  return sum;
}
