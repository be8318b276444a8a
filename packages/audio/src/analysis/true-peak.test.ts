import { describe, expect, it } from "vitest";
import { linearToDb } from "./decibels";
import { musicLike, noise } from "./test-signals";
import { blockMaxima, maxInterpolated, oversamplingFactor, samplePeak, TRUE_PEAK_BLOCK, truePeak, truePeakInterpolator, truePeakOfChannel } from "./true-peak";

function sine(sampleRate: number, freqHz: number, amplitude: number, phase: number, seconds = 1) {
  const x = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate + phase);
  return { sampleRate, channels: [x] };
}

describe("true peak (BS.1770-4 Annex 2)", () => {
  it("oversamples 4× up to 88.2 kHz, 2× up to 176.4 kHz, then not at all", () => {
    expect([44_100, 48_000, 88_200, 96_000, 176_400, 192_000].map(oversamplingFactor)).toEqual([4, 4, 2, 2, 1, 1]);
    expect(truePeakInterpolator(48_000).bound).toBeGreaterThan(1);
  });

  it.each([44_100, 48_000, 96_000])("finds the inter-sample peak of a sine at fs/4 sampled 45° off its crest (%i Hz)", (sampleRate) => {
    // Every sample sits at ±0.707 of the crest: the sample peak reads -3 dB, the true peak 0 dB.
    const audio = sine(sampleRate, sampleRate / 4, 1, Math.PI / 4);
    expect(linearToDb(samplePeak(audio))).toBeCloseTo(-3.01, 2);
    expect(Math.abs(linearToDb(truePeak(audio)))).toBeLessThan(0.1);
  });

  it("reads a mid-band sine at its amplitude, whatever its phase", () => {
    for (const phase of [0, 0.3, 1.1, 2.5]) {
      for (const freq of [997, 5000]) {
        const tp = linearToDb(truePeak(sine(44_100, freq, 0.5, phase)));
        expect(Math.abs(tp - linearToDb(0.5))).toBeLessThan(0.05);
      }
    }
  });

  it("is never below the sample peak, and equals brute-force oversampling of every interval despite the pruning", () => {
    const ip = truePeakInterpolator(44_100);
    for (const audio of [noise(3, 0.9, 5), musicLike({ seconds: 6, seed: 9, drumsDb: 6 })]) {
      let brute = 0;
      for (const x of audio.channels) brute = Math.max(brute, maxInterpolated(x, 0, x.length - 1, ip), Math.abs(x[x.length - 1]!));
      expect(truePeak(audio)).toBe(brute);
      expect(truePeak(audio)).toBeGreaterThanOrEqual(samplePeak(audio));
    }
  });

  it("at 192 kHz is the sample peak", () => {
    const audio = sine(192_000, 48_000, 1, Math.PI / 4);
    expect(truePeak(audio)).toBe(samplePeak(audio));
  });

  it("handles silence, one sample and tiny buffers (0 for silence, never NaN)", () => {
    expect(truePeak({ sampleRate: 44_100, channels: [new Float32Array(1000)] })).toBe(0);
    expect(truePeak({ sampleRate: 44_100, channels: [Float32Array.of(-0.5)] })).toBe(0.5);
    expect(truePeak({ sampleRate: 44_100, channels: [] })).toBe(0);
    for (let n = 1; n < 20; n++) {
      const x = Float32Array.from({ length: n }, (_, i) => (i % 2 ? 0.7 : -0.7));
      const blockMax = new Float32Array(Math.ceil(n / TRUE_PEAK_BLOCK));
      blockMaxima(x, blockMax);
      const tp = truePeakOfChannel(x, truePeakInterpolator(44_100), blockMax);
      expect(Number.isFinite(tp)).toBe(true);
      expect(tp).toBeGreaterThanOrEqual(0.7 - 1e-6);
    }
  });
});
