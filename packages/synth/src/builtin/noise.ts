import { mulberry32 } from "@mini-studio/audio";
/**
 * The vocoder's deterministic noise: one white-noise loop split into frequency bands, stored in the
 * model as a constant so the graph needs no random operator and renders the same bytes every time.
 * The bands are cut in the frequency domain with raised-cosine crossfades that sum to one, so the
 * bands add back up to the original flat noise.
 */


/** In-place iterative radix-2 FFT (Cooley–Tukey); `inverse` conjugates the twiddles and does not scale. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if ((n & (n - 1)) !== 0) throw new Error(`fft length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i] as number;
      re[i] = re[j] as number;
      re[j] = r;
      const m = im[i] as number;
      im[i] = im[j] as number;
      im[j] = m;
    }
  }
  const sign = inverse ? 1 : -1;
  // Twiddles for the largest stage; stage `size` uses every (n / size)-th of them.
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = sign * Math.sin((2 * Math.PI * k) / n);
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride] as number;
        const wi = sin[k * stride] as number;
        const a = start + k;
        const b = a + half;
        const br = re[b] as number;
        const bi = im[b] as number;
        const tr = br * wr - bi * wi;
        const ti = br * wi + bi * wr;
        re[b] = (re[a] as number) - tr;
        im[b] = (im[a] as number) - ti;
        re[a] = (re[a] as number) + tr;
        im[a] = (im[a] as number) + ti;
      }
    }
  }
}

/**
 * Amplitude of band `b` at frequency `f` for bands split at `edges` (Hz, ascending): 1 inside,
 * raised-cosine crossfades of ±`fade`·edge around each inner edge, so the bands sum to 1 between
 * the outer edges.
 */
export function bandMask(f: number, edges: readonly number[], b: number, fade = 0.1): number {
  const lo = edges[b] as number;
  const hi = edges[b + 1] as number;
  const rise = (edge: number) => {
    const w = fade * edge;
    if (f <= edge - w) return 0;
    if (f >= edge + w) return 1;
    return 0.5 - 0.5 * Math.cos((Math.PI * (f - (edge - w))) / (2 * w));
  };
  return rise(lo) * (1 - rise(hi));
}

/**
 * `length` samples (a power of two) of unit-variance white noise split into the bands between
 * `edges`, laid out [sample, band] so a Gather over samples yields [..., band].
 */
export function bandNoiseTable(length: number, edges: readonly number[], sampleRate: number, seed = 0x5eed): Float32Array {
  const bands = edges.length - 1;
  const next = mulberry32(seed);
  // Random phases at unit magnitude: exactly flat spectrum, Gaussian-like samples.
  const phase = new Float64Array(length / 2);
  for (let k = 1; k < length / 2; k++) phase[k] = 2 * Math.PI * next();
  const table = new Float32Array(length * bands);
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  const scale = Math.sqrt(length) / length;
  for (let b = 0; b < bands; b++) {
    re.fill(0);
    im.fill(0);
    for (let k = 1; k < length / 2; k++) {
      const m = bandMask((k * sampleRate) / length, edges, b);
      if (m === 0) continue;
      const p = phase[k] as number;
      re[k] = m * Math.cos(p);
      im[k] = m * Math.sin(p);
      re[length - k] = re[k] as number;
      im[length - k] = -(im[k] as number);
    }
    fft(re, im, true);
    for (let n = 0; n < length; n++) table[n * bands + b] = (re[n] as number) * scale;
  }
  return table;
}
