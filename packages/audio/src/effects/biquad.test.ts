import { describe, expect, it } from "vitest";
import { type BiquadKind, biquadMagnitudeDb, butterworthQs, createBiquadCascade, designBiquad } from "./biquad";

function sine(freqHz: number, seconds: number, sampleRate: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return out;
}

function rms(x: Float32Array, from: number, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (to - from));
}

/** Runs a sine at `freqHz` through the sections and returns output/input RMS in dB, transient skipped. */
function measuredGainDb(sections: Parameters<typeof createBiquadCascade>[0], freqHz: number, sampleRate: number): number {
  const input = sine(freqHz, 1.5, sampleRate);
  const output = input.slice();
  createBiquadCascade(sections, 1)([output], 0, output.length);
  const skip = Math.round(0.5 * sampleRate);
  return 20 * Math.log10(rms(output, skip) / rms(input, skip));
}

function mismatches(a: Float32Array, b: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n + Math.abs(a.length - b.length);
}

const HALF_POWER_DB = 10 * Math.log10(0.5);

type Case = { kind: BiquadKind; gainDb?: number; q: number; expected: (gainDb: number) => number };
const CASES: Case[] = [
  { kind: "lowpass", q: Math.SQRT1_2, expected: () => HALF_POWER_DB },
  { kind: "highpass", q: Math.SQRT1_2, expected: () => HALF_POWER_DB },
  { kind: "bandpass", q: 2, expected: () => 0 },
  { kind: "peaking", gainDb: 9, q: 1.5, expected: (g) => g },
  { kind: "peaking", gainDb: -12, q: 4, expected: (g) => g },
  { kind: "lowshelf", gainDb: 6, q: Math.SQRT1_2, expected: (g) => g / 2 },
  { kind: "lowshelf", gainDb: -10, q: Math.SQRT1_2, expected: (g) => g / 2 },
  { kind: "highshelf", gainDb: 12, q: Math.SQRT1_2, expected: (g) => g / 2 },
  { kind: "highshelf", gainDb: -6, q: 1, expected: (g) => g / 2 },
];

describe("RBJ cookbook biquads", () => {
  for (const sampleRate of [44_100, 48_000]) {
    for (const freqHz of [100, 1000, 8000]) {
      for (const c of CASES) {
        it(`${c.kind} ${c.gainDb ?? ""} at ${freqHz} Hz, ${sampleRate} Hz: the measured gain at f0 is the design's`, () => {
          const coeffs = designBiquad({ kind: c.kind, freqHz, sampleRate, q: c.q, gainDb: c.gainDb ?? 0 });
          const expected = c.expected(c.gainDb ?? 0);
          expect(biquadMagnitudeDb(coeffs, freqHz, sampleRate)).toBeCloseTo(expected, 4);
          expect(Math.abs(measuredGainDb([coeffs], freqHz, sampleRate) - expected)).toBeLessThan(0.1);
        });
      }
    }
  }

  it("biquadMagnitudeDb matches a measured sine away from f0 too", () => {
    const sampleRate = 44_100;
    const coeffs = designBiquad({ kind: "peaking", freqHz: 2000, sampleRate, q: 2, gainDb: 8 });
    for (const f of [250, 1500, 2600, 9000]) {
      expect(Math.abs(measuredGainDb([coeffs], f, sampleRate) - biquadMagnitudeDb(coeffs, f, sampleRate))).toBeLessThan(0.05);
    }
  });

  it("a 4th-order Butterworth cascade is −3.01 dB at the cutoff and 24 dB down an octave below it", () => {
    const sampleRate = 48_000;
    const sections = butterworthQs(4).map((q) => designBiquad({ kind: "highpass", freqHz: 1000, sampleRate, q }));
    expect(Math.abs(measuredGainDb(sections, 1000, sampleRate) - HALF_POWER_DB)).toBeLessThan(0.1);
    expect(measuredGainDb(sections, 500, sampleRate)).toBeLessThan(-23.5);
  });

  it("butterworthQs gives the textbook section Qs", () => {
    expect(butterworthQs(2)[0]).toBeCloseTo(Math.SQRT1_2, 10);
    const q4 = butterworthQs(4);
    expect(q4[0]).toBeCloseTo(1.30656, 4);
    expect(q4[1]).toBeCloseTo(0.541196, 5);
  });

  it("carries its state across blocks of any size: the same output as one call", () => {
    const sampleRate = 44_100;
    const sections = [
      designBiquad({ kind: "lowpass", freqHz: 300, sampleRate, q: 3 }),
      designBiquad({ kind: "peaking", freqHz: 3000, sampleRate, q: 1, gainDb: -6 }),
    ];
    const left = new Float32Array(30_000);
    const right = new Float32Array(30_000);
    let seed = 1;
    for (let i = 0; i < left.length; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      left[i] = seed / 2 ** 32 - 0.5;
      right[i] = Math.sin(i / 7);
    }
    const whole = [left.slice(), right.slice()];
    createBiquadCascade(sections, 2)(whole, 0, left.length);
    const blocked = [left.slice(), right.slice()];
    const run = createBiquadCascade(sections, 2);
    const sizes = [1, 7, 333, 4096, 4097, 2, 11_111];
    for (let start = 0, k = 0; start < left.length; k++) {
      const end = Math.min(left.length, start + sizes[k % sizes.length]!);
      run(blocked, start, end);
      start = end;
    }
    for (let c = 0; c < 2; c++) expect(mismatches(blocked[c]!, whole[c]!)).toBe(0);
  });
});
