import { describe, expect, it } from "vitest";
import { linearToDb } from "../analysis/decibels";
import { integratedLoudness } from "../analysis/loudness";
import { musicLike, noise, random } from "../analysis/test-signals";
import { samplePeak, truePeak } from "../analysis/true-peak";
import { type AudioBuffer } from "../types";
import { sineTone } from "../wav/wav-encoder";
import { normalizeEffect, ZNormalizeEffectSchema } from "./normalize";
import { applyEffect, expectFinite } from "./test-support";

/** The true-peak meter's tolerance against the limiter's own detector (see limiter.ts). */
const TP_TOLERANCE_DB = 0.1;

/** A quiet mix with sparse full-scale hits: raising it to -14 LUFS needs the limiter. */
function peaky(): AudioBuffer {
  const audio = musicLike({ seconds: 20, seed: 12, gainDb: -16, drumsDb: -20 });
  const rnd = random(3);
  for (let at = 1000; at < audio.channels[0]!.length - 500; at += 33_075) {
    for (let i = 0; i < 400; i++) {
      const v = 0.99 * Math.exp(-i / 60) * (rnd() * 2 - 1);
      for (const x of audio.channels) x[at + i] = v;
    }
  }
  return audio;
}

describe("normalize", () => {
  it("has the documented defaults", () => {
    expect(ZNormalizeEffectSchema.parse({ type: "normalize" })).toEqual({
      type: "normalize",
      mode: "peak",
      peak_db: -1,
      true_peak: false,
      target_lufs: -14,
      ceiling_dbtp: -1,
    });
    expect(() => ZNormalizeEffectSchema.parse({ type: "normalize", target_lufs: -3 })).toThrow();
    expect(() => ZNormalizeEffectSchema.parse({ type: "normalize", peak_db: Number.NaN })).toThrow();
  });

  it("peak mode brings the sample peak to -1 dBFS (±0.01 dB), up or down", () => {
    for (const amplitude of [0.05, 0.5, 1, 3]) {
      const out = applyEffect(normalizeEffect, sineTone({ seconds: 1, freqHz: 440, amplitude }), {});
      expect(Math.abs(linearToDb(samplePeak(out)) + 1)).toBeLessThanOrEqual(0.01);
    }
  });

  it("peak mode can normalise the true peak instead", () => {
    // A sine at fs/4 sampled 45° off its crests: true peak 3 dB above the sample peak.
    const x = Float32Array.from({ length: 44_100 }, (_, i) => 0.3 * Math.sin((Math.PI / 2) * i + Math.PI / 4));
    const audio = { sampleRate: 44_100, channels: [x] };
    const out = applyEffect(normalizeEffect, audio, { peak_db: -6, true_peak: true });
    expect(Math.abs(linearToDb(truePeak(out)) + 6)).toBeLessThanOrEqual(0.01);
    expect(linearToDb(samplePeak(out))).toBeCloseTo(-9.01, 1);
  });

  it("loudness mode brings a quiet mix to -14 LUFS under the ceiling", () => {
    const quiet = musicLike({ seconds: 20, seed: 4, gainDb: -20 });
    expect(integratedLoudness(quiet)).toBeLessThan(-35);
    const out = applyEffect(normalizeEffect, quiet, { mode: "loudness" });
    expect(Math.abs(integratedLoudness(out) + 14)).toBeLessThanOrEqual(0.5);
    expect(linearToDb(truePeak(out))).toBeLessThanOrEqual(-1 + TP_TOLERANCE_DB);
  });

  it("loudness mode applies one linear gain when the peaks leave room", () => {
    const pad = noise(10, 0.01, 7);
    const out = applyEffect(normalizeEffect, pad, { mode: "loudness", target_lufs: -16 });
    expect(Math.abs(integratedLoudness(out) + 16)).toBeLessThanOrEqual(0.05);
    const g = out.channels[0]![1000]! / pad.channels[0]![1000]!;
    for (const i of [5000, 123_456, 400_000]) expect(out.channels[1]![i]! / pad.channels[1]![i]!).toBeCloseTo(g, 4);
  });

  it("loudness mode on a loud, peaky mix: hits the target and the ceiling (the limiter acts)", () => {
    const input = peaky();
    expect(linearToDb(truePeak(input)) + (-14 - integratedLoudness(input))).toBeGreaterThan(6); // the plain gain would overshoot the ceiling by > 6 dB
    for (const ceiling_dbtp of [-1, -3]) {
      const out = applyEffect(normalizeEffect, input, { mode: "loudness", target_lufs: -14, ceiling_dbtp });
      expectFinite(out);
      expect(Math.abs(integratedLoudness(out) + 14)).toBeLessThanOrEqual(0.5);
      expect(linearToDb(truePeak(out))).toBeLessThanOrEqual(ceiling_dbtp + TP_TOLERANCE_DB);
    }
  });

  it("loudness mode brings a loud mix down", () => {
    const loud = noise(10, 0.9, 2);
    const out = applyEffect(normalizeEffect, loud, { mode: "loudness", target_lufs: -23 });
    expect(Math.abs(integratedLoudness(out) + 23)).toBeLessThanOrEqual(0.5);
  });

  it("an unreachable target keeps the ceiling and gets as close as it can, without NaN", () => {
    const out = applyEffect(normalizeEffect, noise(5, 0.5, 6), { mode: "loudness", target_lufs: -5, ceiling_dbtp: -9 });
    expectFinite(out);
    expect(linearToDb(truePeak(out))).toBeLessThanOrEqual(-9 + TP_TOLERANCE_DB);
    expect(integratedLoudness(out)).toBeGreaterThan(-14);
  });

  it("leaves silence, and audio too short to measure, untouched", () => {
    const silence = { sampleRate: 44_100, channels: [new Float32Array(44_100), new Float32Array(44_100)] };
    const short = sineTone({ seconds: 0.2, amplitude: 0.1 });
    for (const mode of ["peak", "loudness"]) {
      const out = applyEffect(normalizeEffect, silence, { mode });
      expectFinite(out);
      expect(samplePeak(out)).toBe(0);
    }
    const out = applyEffect(normalizeEffect, short, { mode: "loudness" });
    expect(out.channels[0]).toEqual(short.channels[0]);
  });

  it("handles mono, 6 channels and a single sample", () => {
    for (const audio of [noise(3, 0.1, 1, 44_100, 1), noise(3, 0.1, 1, 48_000, 6), { sampleRate: 44_100, channels: [Float32Array.of(0.25)] }]) {
      for (const mode of ["peak", "loudness"]) {
        const out = applyEffect(normalizeEffect, audio, { mode });
        expectFinite(out);
        expect(out.channels.length).toBe(audio.channels.length);
      }
    }
    const one = applyEffect(normalizeEffect, { sampleRate: 44_100, channels: [Float32Array.of(0.25)] }, {});
    expect(linearToDb(samplePeak(one))).toBeCloseTo(-1, 2);
  });
});
