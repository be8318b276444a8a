/**
 * Listening instruments for the singing-quality tests: an independent pitch tracker (YIN), band
 * levels and averaged spectra, all measured on the rendered audio, never on the pipeline's own
 * f0 or mel. Formants reuse the LPC of builtin/test-support.
 */
import tonejsMidi from "@tonejs/midi";
import { fft } from "../builtin/noise";
import { decimate, estimateFormants } from "../builtin/test-support";

export type ScoreNote = { midi: number; time: number; duration: number };

/** A one-track Standard MIDI File of `notes` (seconds) at `bpm`. */
export function midiFile(notes: readonly ScoreNote[], bpm: number): Uint8Array {
  const midi = new tonejsMidi.Midi();
  midi.header.setTempo(bpm);
  const track = midi.addTrack();
  for (const note of notes) track.addNote(note);
  return midi.toArray();
}

/** Output rate and pass band of `forPitch`. */
const PITCH_RATE_DIVISOR = 4;
const PITCH_BAND_HZ = 2500;

/**
 * The signal low-passed at 2.5 kHz and decimated by 4 (to 11.025 kHz), for pitch tracking. The
 * vocoder's noise above 5.5 kHz carries no pitch, and a band well below the new Nyquist keeps
 * YIN's dips several samples wide, so their depth does not depend on where the period falls
 * between two lags. Hann-windowed sinc, 161 taps.
 */
export function forPitch(x: Float32Array, sampleRate: number): { samples: Float32Array; sampleRate: number } {
  const taps = 161;
  const half = (taps - 1) / 2;
  const cutoff = PITCH_BAND_HZ / sampleRate;
  const h = new Float64Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const t = i - half;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    h[i] = sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (taps + 1)));
    sum += h[i] as number;
  }
  const out = new Float32Array(Math.floor(x.length / PITCH_RATE_DIVISOR));
  for (let o = 0; o < out.length; o++) {
    const c = o * PITCH_RATE_DIVISOR;
    let acc = 0;
    const from = Math.max(0, half - c);
    const to = Math.min(taps, x.length - c + half);
    for (let i = from; i < to; i++) acc += (h[i] as number) * (x[c + i - half] as number);
    out[o] = acc / sum;
  }
  return { samples: out, sampleRate: sampleRate / PITCH_RATE_DIVISOR };
}

export type YinOptions = { window?: number; minHz?: number; maxHz?: number; threshold?: number; tolerance?: number };

/** f0 in Hz (null when unvoiced) and the aperiodicity d′(τ) at the chosen lag. */
export type PitchFrame = { hz: number | null; aperiodicity: number };

/**
 * YIN (de Cheveigné & Kawahara 2002, JASA 111(4)): difference function, cumulative-mean
 * normalised difference d′, a dip search, parabolic interpolation. For each lag τ the frame and its
 * copy τ later together span `window` + τ samples centred on `center` (a sample index of `x`), so
 * a gliding pitch is measured where it is asked for, not up to half the longest lag earlier.
 *
 * The dip search differs from the paper's step 4 in one way: a frame is voiced when its deepest dip
 * is below `threshold`, and the period is the first dip within `tolerance` of that deepest one.
 * With a little aspiration noise every multiple of the period dips about equally deep, and the
 * paper's fixed threshold then picks one of them at random (an octave error); a relative margin
 * keeps the shortest, as Praat's octave cost does.
 */
export function yinAt(x: Float32Array, sampleRate: number, center: number, opts: YinOptions = {}): PitchFrame {
  const { window = Math.round(sampleRate * 0.025), minHz = 80, maxHz = 1000, threshold = 0.25, tolerance = 0.1 } = opts;
  const minLag = Math.max(2, Math.floor(sampleRate / maxHz));
  const maxLag = Math.ceil(sampleRate / minHz);
  if (center - (window + maxLag + 1) / 2 < 0 || center + (window + maxLag + 1) / 2 + 1 > x.length) return { hz: null, aperiodicity: 1 };
  const cmnd = new Float64Array(maxLag + 2);
  cmnd[0] = 1;
  let running = 0;
  for (let lag = 1; lag <= maxLag + 1; lag++) {
    const start = Math.round(center - (window + lag) / 2);
    let d = 0;
    for (let i = start; i < start + window; i++) {
      const diff = (x[i] as number) - (x[i + lag] as number);
      d += diff * diff;
    }
    // d′(τ) = d(τ) · τ / Σ_{j≤τ} d(j): 1 on average, near 0 at the period of a periodic signal.
    running += d;
    cmnd[lag] = running > 0 ? (d * lag) / running : 1;
  }
  let deepest = minLag;
  for (let t = minLag; t <= maxLag; t++) if ((cmnd[t] as number) < (cmnd[deepest] as number)) deepest = t;
  const best = cmnd[deepest] as number;
  if (best >= threshold) return { hz: null, aperiodicity: best };
  let lag = deepest;
  for (let t = minLag; t < deepest; t++) {
    if ((cmnd[t] as number) <= best + tolerance && (cmnd[t] as number) <= (cmnd[t - 1] as number) && (cmnd[t] as number) <= (cmnd[t + 1] as number)) {
      lag = t;
      break;
    }
  }
  const a = cmnd[lag - 1] as number;
  const b = cmnd[lag] as number;
  const c = cmnd[lag + 1] as number;
  const denominator = a - 2 * b + c;
  const shift = denominator > 0 ? (a - c) / (2 * denominator) : 0;
  return { hz: sampleRate / (lag + Math.max(-1, Math.min(1, shift))), aperiodicity: b };
}

export function hzToMidi(hz: number): number {
  return 69 + 12 * Math.log2(hz / 440);
}

export function rms(x: Float32Array, from: number, to: number): number {
  const a = Math.max(0, Math.round(from));
  const b = Math.min(x.length, Math.round(to));
  let sum = 0;
  for (let i = a; i < b; i++) sum += (x[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, b - a));
}

export function dbfs(amplitude: number): number {
  return 20 * Math.log10(Math.max(amplitude, 1e-12));
}

function hann(size: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
}
const windows = new Map<number, Float64Array>();
function hannOf(size: number): Float64Array {
  let w = windows.get(size);
  if (!w) {
    w = hann(size);
    windows.set(size, w);
  }
  return w;
}

/** Power spectrum (|X_k|², k < size/2) of the Hann-windowed `size` samples centred on `center`. */
export function powerSpectrum(x: Float32Array, center: number, size: number): Float64Array {
  const w = hannOf(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const start = Math.round(center - size / 2);
  for (let i = 0; i < size; i++) {
    const k = start + i;
    re[i] = k >= 0 && k < x.length ? (x[k] as number) * (w[i] as number) : 0;
  }
  fft(re, im);
  const out = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) out[k] = (re[k] as number) ** 2 + (im[k] as number) ** 2;
  return out;
}

/** Level (dB, arbitrary reference) of the band [lo, hi) Hz around sample `center`. */
export function bandLevelDb(x: Float32Array, sampleRate: number, center: number, lo: number, hi: number, size = 1024): number {
  const p = powerSpectrum(x, center, size);
  let sum = 0;
  for (let k = Math.ceil((lo * size) / sampleRate); k < (hi * size) / sampleRate && k < p.length; k++) sum += p[k] as number;
  return 10 * Math.log10(sum + 1e-30);
}

/** Mean power spectrum of 2048-sample frames, hop 512, over samples [from, to). */
export function meanSpectrum(x: Float32Array, from: number, to: number, size = 2048): Float64Array {
  const sum = new Float64Array(size / 2);
  let frames = 0;
  for (let c = from + size / 2; c + size / 2 <= to; c += 512) {
    const p = powerSpectrum(x, c, size);
    for (let k = 0; k < sum.length; k++) sum[k]! += p[k] as number;
    frames++;
  }
  if (frames === 0) throw new Error("stretch shorter than one analysis frame");
  for (let k = 0; k < sum.length; k++) sum[k]! /= frames;
  return sum;
}

/** dB level of each band [edges[b], edges[b+1]) of a power spectrum from `meanSpectrum`. */
export function bandsDb(spectrum: Float64Array, sampleRate: number, edges: readonly number[]): number[] {
  const size = spectrum.length * 2;
  const out: number[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    let sum = 0;
    for (let k = Math.ceil(((edges[b] as number) * size) / sampleRate); k < ((edges[b + 1] as number) * size) / sampleRate; k++) sum += spectrum[k] as number;
    out.push(10 * Math.log10(sum + 1e-30));
  }
  return out;
}

/** F1, F2 (Hz) by 12-pole LPC on the 40 ms centred on `center`, decimated to 11.025 kHz as in the vocoder's tests. */
export function formantsAt(x: Float32Array, sampleRate: number, center: number): [number, number] {
  const n = Math.round(sampleRate * 0.04);
  const start = Math.round(center - n / 2);
  const formants = estimateFormants(decimate(x.subarray(start, start + n), 4), sampleRate / 4, 12);
  return [formants[0] ?? Number.NaN, formants[1] ?? Number.NaN];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
