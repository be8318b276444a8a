/**
 * Signal analysis for the built-in voice's tests: pitch by autocorrelation and formants by LPC,
 * written here so the tests measure the rendered audio rather than trust the model's internals.
 */
import { fft } from "./noise";

/** f0 (Hz) of a voiced stretch by normalised autocorrelation with parabolic peak interpolation. */
export function estimatePitch(x: Float32Array, sampleRate: number, minHz = 60, maxHz = 1000): number {
  const minLag = Math.floor(sampleRate / maxHz);
  const maxLag = Math.ceil(sampleRate / minHz);
  const n = x.length - maxLag;
  if (n <= 0) throw new Error("signal too short for the pitch range");
  const r = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let sum = 0;
    let e0 = 0;
    let e1 = 0;
    for (let i = 0; i < n; i++) {
      const a = x[i] as number;
      const b = x[i + lag] as number;
      sum += a * b;
      e0 += a * a;
      e1 += b * b;
    }
    r[lag] = sum / Math.sqrt(e0 * e1 + 1e-30);
  }
  // The first lag whose correlation comes within 10% of the best avoids picking a multiple of the period.
  let best = minLag;
  for (let lag = minLag; lag <= maxLag; lag++) if ((r[lag] as number) > (r[best] as number)) best = lag;
  const threshold = 0.9 * (r[best] as number);
  for (let lag = minLag; lag <= maxLag; lag++) {
    if ((r[lag] as number) >= threshold && (r[lag] as number) >= (r[lag - 1] as number) && (r[lag] as number) >= (r[lag + 1] as number)) {
      best = lag;
      break;
    }
  }
  const a = r[best - 1] as number;
  const b = r[best] as number;
  const c = r[best + 1] as number;
  const shift = (a - c) / (2 * (a - 2 * b + c));
  return sampleRate / (best + (Number.isFinite(shift) ? shift : 0));
}

/** Decimates by an integer factor after a Hann-windowed sinc low-pass at 0.9 of the new Nyquist. */
export function decimate(x: Float32Array, factor: number): Float32Array {
  const taps = 16 * factor + 1;
  const half = (taps - 1) / 2;
  const cutoff = 0.9 / factor / 2; // cycles per input sample
  const h = new Float64Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const t = i - half;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    h[i] = sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)));
    sum += h[i] as number;
  }
  const out = new Float32Array(Math.floor(x.length / factor));
  for (let o = 0; o < out.length; o++) {
    let acc = 0;
    for (let i = 0; i < taps; i++) {
      const k = o * factor + i - half;
      if (k >= 0 && k < x.length) acc += (h[i] as number) * (x[k] as number);
    }
    out[o] = acc / sum;
  }
  return out;
}

/**
 * Formant frequencies (Hz, ascending) of a steady frame: pre-emphasis, Hamming window,
 * autocorrelation LPC (Levinson–Durbin), then the peaks of the LPC envelope 1/|A(e^jω)|.
 */
export function estimateFormants(frame: Float32Array, sampleRate: number, order = 12): number[] {
  const n = frame.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pre = (frame[i] as number) - 0.97 * (i > 0 ? (frame[i - 1] as number) : 0);
    x[i] = pre * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1)));
  }
  const r = new Float64Array(order + 1);
  for (let lag = 0; lag <= order; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += (x[i] as number) * (x[i - lag] as number);
    r[lag] = s;
  }
  r[0] = (r[0] as number) * (1 + 1e-9);
  // Levinson–Durbin recursion for A(z) = 1 + a1 z^-1 + ... + ap z^-p.
  let a = new Float64Array(order + 1);
  a[0] = 1;
  let err = r[0] as number;
  for (let i = 1; i <= order; i++) {
    let acc = r[i] as number;
    for (let j = 1; j < i; j++) acc += (a[j] as number) * (r[i - j] as number);
    const k = -acc / err;
    const next = a.slice();
    for (let j = 1; j < i; j++) next[j] = (a[j] as number) + k * (a[i - j] as number);
    next[i] = k;
    a = next;
    err *= 1 - k * k;
  }
  const points = 2048;
  const mag = new Float64Array(points);
  for (let p = 0; p < points; p++) {
    const w = (Math.PI * p) / points;
    let re = 0;
    let im = 0;
    for (let j = 0; j <= order; j++) {
      re += (a[j] as number) * Math.cos(w * j);
      im -= (a[j] as number) * Math.sin(w * j);
    }
    mag[p] = 1 / Math.sqrt(re * re + im * im);
  }
  const formants: number[] = [];
  for (let p = 1; p < points - 1; p++) {
    const f = (p * sampleRate) / 2 / points;
    if (f > 150 && (mag[p] as number) > (mag[p - 1] as number) && (mag[p] as number) >= (mag[p + 1] as number)) formants.push(f);
  }
  return formants;
}

/** Index of the largest value in [from, to). */
export function argmax(x: ArrayLike<number>, from = 0, to = x.length): number {
  let best = from;
  for (let i = from; i < to; i++) if ((x[i] as number) > (x[best] as number)) best = i;
  return best;
}

/** Indices of the local maxima of `x` (strictly above both neighbours' lower side). */
export function localMaxima(x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < x.length - 1; i++) if ((x[i] as number) > (x[i - 1] as number) && (x[i] as number) >= (x[i + 1] as number)) out.push(i);
  return out;
}

/** The highest normalised autocorrelation for lags of 1/maxHz..1/minHz: near 1 for a pitched sound, low for noise. */
export function periodicity(x: Float32Array, sampleRate: number, minHz = 60, maxHz = 1000): number {
  const minLag = Math.floor(sampleRate / maxHz);
  const maxLag = Math.ceil(sampleRate / minHz);
  const n = x.length - maxLag;
  let best = -1;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let sum = 0;
    let e0 = 0;
    let e1 = 0;
    for (let i = 0; i < n; i++) {
      sum += (x[i] as number) * (x[i + lag] as number);
      e0 += (x[i] as number) ** 2;
      e1 += (x[i + lag] as number) ** 2;
    }
    best = Math.max(best, sum / Math.sqrt(e0 * e1 + 1e-30));
  }
  return best;
}

/** Share of a signal's power above `hz` (Hann-windowed power spectrum of its first 2^k samples). */
export function powerAbove(x: Float32Array, sampleRate: number, hz: number): number {
  let n = 1;
  while (n * 2 <= x.length) n *= 2;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = (x[i] as number) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  fft(re, im);
  let above = 0;
  let total = 0;
  for (let k = 1; k < n / 2; k++) {
    const p = (re[k] as number) ** 2 + (im[k] as number) ** 2;
    total += p;
    if ((k * sampleRate) / n >= hz) above += p;
  }
  return above / total;
}
