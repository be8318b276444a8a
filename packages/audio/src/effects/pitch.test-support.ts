// Test-only measurements and signals for the pitch, time and modulation effects.
import { type AudioBuffer } from "../types";

/** A sine of `frames` frames starting at phase 0, in every channel. */
export function sine(freqHz: number, sampleRate: number, frames: number, amplitude = 0.5, channels = 1): AudioBuffer {
  const wave = new Float32Array(frames);
  for (let i = 0; i < frames; i++) wave[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return { sampleRate, channels: Array.from({ length: channels }, () => wave.slice()) };
}

/** Harmonics 1..count with amplitudes 1/k, scaled to `peak`: a buzzy tone whose fundamental is `freqHz`. */
export function harmonicTone(freqHz: number, sampleRate: number, frames: number, peak = 0.5, count = 6): Float32Array {
  const out = new Float32Array(frames);
  let max = 0;
  const raw = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    let v = 0;
    for (let k = 1; k <= count; k++) v += Math.sin((2 * Math.PI * k * freqHz * i) / sampleRate) / k;
    raw[i] = v;
    max = Math.max(max, Math.abs(v));
  }
  for (let i = 0; i < frames; i++) out[i] = (raw[i]! / max) * peak;
  return out;
}

/** Uniform white noise in [−amplitude, amplitude] from a fixed seed (xorshift32), so tests repeat. */
export function noise(frames: number, amplitude = 1, seed = 12345): Float32Array {
  const out = new Float32Array(frames);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < frames; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = amplitude * ((s / 4294967296) * 2 - 1);
  }
  return out;
}

export function rms(x: Float32Array, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, end - start));
}

/**
 * Fundamental frequency by YIN (de Cheveigné & Kawahara, JASA 2002): cumulative-mean-normalised
 * difference, absolute threshold 0.1, parabolic interpolation of the dip. Measured over `length`
 * frames from `start` (the middle of the signal by default).
 */
export function yinPitch(x: Float32Array, sampleRate: number, opts: { minHz?: number; maxHz?: number; start?: number; length?: number } = {}): number {
  const minHz = opts.minHz ?? 50;
  const maxHz = opts.maxHz ?? 2000;
  const maxLag = Math.ceil(sampleRate / minHz);
  const minLag = Math.max(2, Math.floor(sampleRate / maxHz));
  const length = opts.length ?? 4096;
  const start = opts.start ?? Math.max(0, Math.floor((x.length - length - maxLag) / 2));
  if (start + length + maxLag + 1 > x.length) throw new Error("signal too short for the pitch window");
  const d = new Float64Array(maxLag + 2);
  for (let tau = 1; tau <= maxLag + 1; tau++) {
    let sum = 0;
    for (let i = start; i < start + length; i++) {
      const diff = x[i]! - x[i + tau]!;
      sum += diff * diff;
    }
    d[tau] = sum;
  }
  const cmnd = new Float64Array(maxLag + 2);
  cmnd[0] = 1;
  let running = 0;
  for (let tau = 1; tau <= maxLag + 1; tau++) {
    running += d[tau]!;
    cmnd[tau] = running === 0 ? 1 : (d[tau]! * tau) / running;
  }
  let best = -1;
  for (let tau = minLag; tau <= maxLag; tau++) {
    if (cmnd[tau]! < 0.1) {
      while (tau + 1 <= maxLag && cmnd[tau + 1]! < cmnd[tau]!) tau++;
      best = tau;
      break;
    }
  }
  if (best < 0) {
    // No clear dip: take the global minimum.
    best = minLag;
    for (let tau = minLag; tau <= maxLag; tau++) if (cmnd[tau]! < cmnd[best]!) best = tau;
  }
  // The raw difference is a cleaner parabola around the dip than its normalised form.
  const a = d[best - 1]!;
  const b = d[best]!;
  const c = d[best + 1]!;
  const denom = a - 2 * b + c;
  const shift = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  return sampleRate / (best + shift);
}

/** Hann-windowed power spectrum of `size` frames (a power of two) from `start`: bins 0..size/2. */
export function powerSpectrum(x: Float32Array, start: number, size: number): Float64Array {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i++) re[i] = (x[start + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  fft(re, im);
  const out = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return out;
}

/** Power-weighted mean frequency of a spectrum between loHz and hiHz. */
export function spectralCentroid(power: Float64Array, sampleRate: number, loHz = 0, hiHz = sampleRate / 2): number {
  const size = (power.length - 1) * 2;
  let num = 0;
  let den = 0;
  for (let k = 0; k < power.length; k++) {
    const f = (k * sampleRate) / size;
    if (f < loHz || f > hiHz) continue;
    num += f * power[k]!;
    den += power[k]!;
  }
  return num / den;
}

/** Share of a spectrum's power within ±halfWidthHz of centreHz. */
export function powerShareNear(power: Float64Array, sampleRate: number, centreHz: number, halfWidthHz: number): number {
  const size = (power.length - 1) * 2;
  let near = 0;
  let total = 0;
  for (let k = 0; k < power.length; k++) {
    const f = (k * sampleRate) / size;
    total += power[k]!;
    if (Math.abs(f - centreHz) <= halfWidthHz) near += power[k]!;
  }
  return near / total;
}

/** In-place iterative radix-2 FFT (Cooley–Tukey); slow and simple, for tests only. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}
