import { type BlockProcessor } from "./define";

/** Second-order section, normalised so that a0 = 1: y = b0·x + b1·x₋₁ + b2·x₋₂ − a1·y₋₁ − a2·y₋₂. */
export type BiquadCoeffs = { b0: number; b1: number; b2: number; a1: number; a2: number };

export type BiquadKind = "lowpass" | "highpass" | "bandpass" | "peaking" | "lowshelf" | "highshelf";

export type BiquadDesign = {
  kind: BiquadKind;
  freqHz: number;
  sampleRate: number;
  /** Resonance; for shelves the cookbook's Q (0.7071 is the steepest shelf without overshoot, S = 1). */
  q: number;
  /** Only peaking and shelves use it. */
  gainDb?: number;
};

/** The highest design frequency, as a fraction of the sample rate: the bilinear transform cramps the response near Nyquist. */
export const MAX_FREQ_RATIO = 0.45;

/** Clamps a design frequency into [1 Hz, 0.45·sampleRate], so a 20 kHz request at 22.05 kHz stays stable. */
export function clampFreq(freqHz: number, sampleRate: number): number {
  return Math.min(Math.max(freqHz, 1), MAX_FREQ_RATIO * sampleRate);
}

/**
 * Coefficients from the RBJ Audio EQ Cookbook (Robert Bristow-Johnson), in float64 and divided by
 * a0. Peaking has `gainDb` at `freqHz`; the shelves have `gainDb/2` at `freqHz` (the cookbook's
 * midpoint); lowpass and highpass have −3.01 dB at `freqHz` when q = 1/√2; bandpass is the
 * "constant 0 dB peak gain" form.
 */
export function designBiquad({ kind, freqHz, sampleRate, q, gainDb = 0 }: BiquadDesign): BiquadCoeffs {
  const w0 = (2 * Math.PI * clampFreq(freqHz, sampleRate)) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const A = 10 ** (gainDb / 40);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (kind) {
    case "lowpass":
      b0 = (1 - cos) / 2;
      b1 = 1 - cos;
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "highpass":
      b0 = (1 + cos) / 2;
      b1 = -(1 + cos);
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "bandpass":
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "peaking":
      b0 = 1 + alpha * A;
      b1 = -2 * cos;
      b2 = 1 - alpha * A;
      a0 = 1 + alpha / A;
      a1 = -2 * cos;
      a2 = 1 - alpha / A;
      break;
    case "lowshelf": {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + k);
      b1 = 2 * A * (A - 1 - (A + 1) * cos);
      b2 = A * (A + 1 - (A - 1) * cos - k);
      a0 = A + 1 + (A - 1) * cos + k;
      a1 = -2 * (A - 1 + (A + 1) * cos);
      a2 = A + 1 + (A - 1) * cos - k;
      break;
    }
    case "highshelf": {
      const k = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + k);
      b1 = -2 * A * (A - 1 + (A + 1) * cos);
      b2 = A * (A + 1 + (A - 1) * cos - k);
      a0 = A + 1 - (A - 1) * cos + k;
      a1 = 2 * (A - 1 - (A + 1) * cos);
      a2 = A + 1 - (A - 1) * cos - k;
      break;
    }
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/**
 * Section Qs of an even-order Butterworth filter as a cascade of biquads: pole pair k of order n
 * sits at angle θₖ = π(2k−1)/(2n) from the imaginary axis, so Qₖ = 1/(2·sin θₖ).
 * Order 2 gives [0.7071]; order 4 gives [1.3066, 0.5412].
 */
export function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 1; k <= order / 2; k++) qs.push(1 / (2 * Math.sin((Math.PI * (2 * k - 1)) / (2 * order))));
  return qs;
}

/**
 * |H(e^{jω})| in dB of one section at `freqHz`, in the RBJ cookbook's φ = sin²(ω/2) form, which
 * stays accurate at low frequencies where the cos ω form cancels.
 */
export function biquadMagnitudeDb(c: BiquadCoeffs, freqHz: number, sampleRate: number): number {
  const s = Math.sin((Math.PI * freqHz) / sampleRate);
  const phi = s * s;
  const bSum = c.b0 + c.b1 + c.b2;
  const aSum = 1 + c.a1 + c.a2;
  const num = bSum * bSum - 4 * (c.b0 * c.b1 + 4 * c.b0 * c.b2 + c.b1 * c.b2) * phi + 16 * c.b0 * c.b2 * phi * phi;
  const den = aSum * aSum - 4 * (c.a1 + 4 * c.a2 + c.a1 * c.a2) * phi + 16 * c.a2 * phi * phi;
  return 10 * Math.log10(num / den);
}

/** Sum of the sections' magnitudes in dB: the response of the cascade. */
export function cascadeMagnitudeDb(sections: readonly BiquadCoeffs[], freqHz: number, sampleRate: number): number {
  let db = 0;
  for (const s of sections) db += biquadMagnitudeDb(s, freqHz, sampleRate);
  return db;
}

// Below this the float64 state is flushed to zero at the end of a block, so a long silence after a
// decaying tail never reaches subnormal numbers (which are slow on x86).
const FLUSH = 1e-30;

/**
 * A cascade of biquads over every channel, Transposed Direct Form II with float64 state per
 * channel and section, carried from block to block. Sections run one after the other over the
 * block, so intermediate results round to float32 between sections (an error below −140 dBFS).
 * Channels go in pairs through each section: a biquad's recurrence is bound by its latency, and
 * two independent ones in one loop run in about the time of one.
 */
export function createBiquadCascade(sections: readonly BiquadCoeffs[], channelCount: number): BlockProcessor {
  const n = sections.length;
  if (n === 0) return () => {};
  const coef = new Float64Array(n * 5);
  sections.forEach((s, k) => coef.set([s.b0, s.b1, s.b2, s.a1, s.a2], k * 5));
  const state = new Float64Array(channelCount * n * 2);
  return (channels, start, end) => {
    const count = Math.min(channels.length, channelCount);
    for (let c = 0; c < count; c += 2) {
      for (let k = 0; k < n; k++) {
        if (c + 1 < count) runSectionPair(channels[c]!, channels[c + 1]!, start, end, coef, k, state, (c * n + k) * 2, ((c + 1) * n + k) * 2);
        else runSection(channels[c]!, start, end, coef, k, state, (c * n + k) * 2);
      }
    }
  };
}

/** Section k of `coef` (five per section: b0 b1 b2 a1 a2) over ch[start, end), state at state[si], state[si + 1]. */
export function runSection(ch: Float32Array, start: number, end: number, coef: Float64Array, k: number, state: Float64Array, si: number): void {
  const b0 = coef[k * 5]!;
  const b1 = coef[k * 5 + 1]!;
  const b2 = coef[k * 5 + 2]!;
  const a1 = coef[k * 5 + 3]!;
  const a2 = coef[k * 5 + 4]!;
  let z1 = state[si]!;
  let z2 = state[si + 1]!;
  for (let i = start; i < end; i++) {
    const x = ch[i]!;
    const y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    ch[i] = y;
  }
  state[si] = Math.abs(z1) < FLUSH ? 0 : z1;
  state[si + 1] = Math.abs(z2) < FLUSH ? 0 : z2;
}

/** runSection on two channels in one loop (their recurrences overlap in the CPU); states at sa and sb. */
export function runSectionPair(chA: Float32Array, chB: Float32Array, start: number, end: number, coef: Float64Array, k: number, state: Float64Array, sa: number, sb: number): void {
  const b0 = coef[k * 5]!;
  const b1 = coef[k * 5 + 1]!;
  const b2 = coef[k * 5 + 2]!;
  const a1 = coef[k * 5 + 3]!;
  const a2 = coef[k * 5 + 4]!;
  let p1 = state[sa]!;
  let p2 = state[sa + 1]!;
  let q1 = state[sb]!;
  let q2 = state[sb + 1]!;
  for (let i = start; i < end; i++) {
    const x = chA[i]!;
    const u = chB[i]!;
    const y = b0 * x + p1;
    const v = b0 * u + q1;
    p1 = b1 * x - a1 * y + p2;
    q1 = b1 * u - a1 * v + q2;
    p2 = b2 * x - a2 * y;
    q2 = b2 * u - a2 * v;
    chA[i] = y;
    chB[i] = v;
  }
  state[sa] = Math.abs(p1) < FLUSH ? 0 : p1;
  state[sa + 1] = Math.abs(p2) < FLUSH ? 0 : p2;
  state[sb] = Math.abs(q1) < FLUSH ? 0 : q1;
  state[sb + 1] = Math.abs(q2) < FLUSH ? 0 : q2;
}
