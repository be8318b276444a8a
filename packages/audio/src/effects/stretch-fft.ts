/**
 * An in-place complex FFT of one power-of-two size (iterative radix-2 Cooley–Tukey, decimation in
 * time), with its twiddles and bit-reversal permutation computed once. Forward is e^(−2πi nk/N);
 * `inverse` is e^(+2πi nk/N). Neither scales: divide by N after a round trip.
 */
export type Fft = {
  size: number;
  forward(re: Float64Array, im: Float64Array): void;
  inverse(re: Float64Array, im: Float64Array): void;
};

export function createFft(size: number): Fft {
  if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
  const half = size >> 1;
  const cos = new Float64Array(half);
  const negSin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    negSin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.log2(size);
  const pairs: number[] = [];
  for (let i = 0; i < size; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    if (i < r) pairs.push(i, r);
  }
  const swaps = Uint32Array.from(pairs);
  const forward = (re: Float64Array, im: Float64Array) => transform(re, im, size, swaps, cos, negSin);
  // The inverse transform is the forward one with real and imaginary parts exchanged.
  return { size, forward, inverse: (re, im) => forward(im, re) };
}

function transform(re: Float64Array, im: Float64Array, size: number, swaps: Uint32Array, cos: Float64Array, negSin: Float64Array): void {
  for (let s = 0; s < swaps.length; s += 2) {
    const a = swaps[s]!;
    const b = swaps[s + 1]!;
    const tr = re[a]!;
    re[a] = re[b]!;
    re[b] = tr;
    const ti = im[a]!;
    im[a] = im[b]!;
    im[b] = ti;
  }
  // Stages 1 and 2 have twiddles 1 and −i only: radix-4 butterflies without multiplies.
  for (let i = 0; i < size; i += 4) {
    const r0 = re[i]!, i0 = im[i]!, r1 = re[i + 1]!, i1 = im[i + 1]!;
    const r2 = re[i + 2]!, i2 = im[i + 2]!, r3 = re[i + 3]!, i3 = im[i + 3]!;
    const ar = r0 + r1, ai = i0 + i1, br = r0 - r1, bi = i0 - i1;
    const cr = r2 + r3, ci = i2 + i3, dr = r2 - r3, di = i2 - i3;
    re[i] = ar + cr;
    im[i] = ai + ci;
    re[i + 2] = ar - cr;
    im[i + 2] = ai - ci;
    // (dr + i·di) · (−i) = di − i·dr
    re[i + 1] = br + di;
    im[i + 1] = bi - dr;
    re[i + 3] = br - di;
    im[i + 3] = bi + dr;
  }
  // The rest: an optional radix-2 stage so that an even number remain, then the stages in fused
  // pairs (radix-2², four points per butterfly): half the trips through memory, 3 complex
  // multiplies where two radix-2 stages take 4.
  let q = 4;
  if ((Math.log2(size) - 2) % 2 === 1) {
    radix2Stage(re, im, size, q, cos, negSin);
    q = 8;
  }
  for (; q < size; q *= 4) radix22Stage(re, im, size, q, cos, negSin);
}

/** Combines pairs of transforms of length q into length 2q. */
function radix2Stage(re: Float64Array, im: Float64Array, size: number, q: number, cos: Float64Array, negSin: Float64Array): void {
  const step = size / (2 * q);
  for (let i = 0; i < size; i += 2 * q) {
    for (let j = 0, t = 0; j < q; j++, t += step) {
      const wr = cos[t]!;
      const wi = negSin[t]!;
      const a = i + j;
      const b = a + q;
      const xr = re[b]! * wr - im[b]! * wi;
      const xi = re[b]! * wi + im[b]! * wr;
      const ar = re[a]!;
      const ai = im[a]!;
      re[b] = ar - xr;
      im[b] = ai - xi;
      re[a] = ar + xr;
      im[a] = ai + xi;
    }
  }
}

/**
 * Two radix-2 stages at once: transforms of length q at offsets 0, q, 2q, 3q become one of length
 * 4q. With W = e^(−2πi/4q): b0,1 = a0 ± W^2j a1, b2,3 = a2 ± W^2j a3, then
 * out[j], out[j+2q] = b0 ± W^j b2 and out[j+q], out[j+3q] = b1 ± (−i) W^j b3.
 */
function radix22Stage(re: Float64Array, im: Float64Array, size: number, q: number, cos: Float64Array, negSin: Float64Array): void {
  const step = size / (4 * q);
  for (let i = 0; i < size; i += 4 * q) {
    for (let j = 0; j < q; j++) {
      const t1 = 2 * j * step;
      const t2 = j * step;
      const w1r = cos[t1]!;
      const w1i = negSin[t1]!;
      const w2r = cos[t2]!;
      const w2i = negSin[t2]!;
      const p0 = i + j;
      const p1 = p0 + q;
      const p2 = p1 + q;
      const p3 = p2 + q;
      const a1r = re[p1]!;
      const a1i = im[p1]!;
      const a3r = re[p3]!;
      const a3i = im[p3]!;
      const t1r = a1r * w1r - a1i * w1i;
      const t1i = a1r * w1i + a1i * w1r;
      const t3r = a3r * w1r - a3i * w1i;
      const t3i = a3r * w1i + a3i * w1r;
      const a0r = re[p0]!;
      const a0i = im[p0]!;
      const a2r = re[p2]!;
      const a2i = im[p2]!;
      const b0r = a0r + t1r;
      const b0i = a0i + t1i;
      const b1r = a0r - t1r;
      const b1i = a0i - t1i;
      const b2r = a2r + t3r;
      const b2i = a2i + t3i;
      const b3r = a2r - t3r;
      const b3i = a2i - t3i;
      const u2r = b2r * w2r - b2i * w2i;
      const u2i = b2r * w2i + b2i * w2r;
      // (−i) · W^j · b3
      const v3r = b3r * w2r - b3i * w2i;
      const v3i = b3r * w2i + b3i * w2r;
      const u3r = v3i;
      const u3i = -v3r;
      re[p0] = b0r + u2r;
      im[p0] = b0i + u2i;
      re[p2] = b0r - u2r;
      im[p2] = b0i - u2i;
      re[p1] = b1r + u3r;
      im[p1] = b1i + u3i;
      re[p3] = b1r - u3r;
      im[p3] = b1i - u3i;
    }
  }
}
