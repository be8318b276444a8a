import { describe, expect, it } from "vitest";
import { decodeAudio } from "../decode";
import { type AudioBuffer } from "../types";
import { encodeWav, sineTone } from "../wav/wav-encoder";
import { analyzeAudio, toJsonSafe } from "./analyze";
import { ffmpegLoudness, musicLike, noise } from "./test-signals";

describe("analyzeAudio against ffmpeg's ebur128", () => {
  // Three mixes of different loudness and density; the loud one sits near full scale with hot drums.
  const mixes = [
    { name: "quiet, wide range", make: () => musicLike({ seconds: 25, seed: 2, gainDb: -18, chorusDb: 8 }) },
    { name: "medium", make: () => musicLike({ seconds: 30, seed: 1, gainDb: -8 }) },
    { name: "loud and peaky, 48 kHz", make: () => musicLike({ seconds: 35, seed: 3, gainDb: -4, drumsDb: 6, sampleRate: 48_000, chorusDb: 2 }) },
  ];

  it.each(mixes)("$name: integrated within ±0.2 LU, LRA within ±1 LU, true peak within ±0.3 dB", async ({ make }) => {
    // Measure exactly what ffmpeg reads: the 24-bit WAV.
    const audio = await decodeAudio(encodeWav(make(), { bitDepth: 24 }), "wav");
    const ours = analyzeAudio(audio);
    const theirs = ffmpegLoudness(audio);
    expect(ours.peakDbfs).toBeLessThan(0);
    expect(Math.abs(ours.integratedLufs - theirs.integratedLufs)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(ours.loudnessRangeLu - theirs.loudnessRangeLu)).toBeLessThanOrEqual(1);
    expect(Math.abs(ours.truePeakDbtp - theirs.truePeakDbfs)).toBeLessThanOrEqual(0.3);
  });

  it("the three mixes really differ in loudness", () => {
    const lufs = mixes.map(({ make }) => analyzeAudio(make()).integratedLufs);
    expect(lufs[1]! - lufs[0]!).toBeGreaterThan(5);
    expect(lufs[2]! - lufs[1]!).toBeGreaterThan(3);
  });
});

describe("analyzeAudio", () => {
  it("reports the format, levels and waveform of a full-scale sine", () => {
    const audio = sineTone({ seconds: 2, freqHz: 1000, amplitude: 1, sampleRate: 48_000 });
    const r = analyzeAudio(audio, { peakCount: 100 });
    expect(r).toMatchObject({ durationSec: 2, sampleRate: 48_000, channels: 2, frames: 96_000 });
    expect(r.peakDbfs).toBeCloseTo(0, 3);
    expect(r.truePeakDbtp).toBeCloseTo(0, 1);
    expect(r.rmsDbfs).toBeCloseTo(-3.01, 2);
    // EBU Tech 3341: a stereo 1 kHz sine reads its peak level in LUFS.
    expect(r.integratedLufs).toBeCloseTo(0, 1);
    expect(r.peaks.count).toBe(100);
    expect(Math.max(...r.peaks.max)).toBeCloseTo(1, 3);
    expect(Math.min(...r.peaks.min)).toBeCloseTo(-1, 3);
  });

  it("counts clipped samples at ±full scale, including 16-bit full scale (32767/32768)", () => {
    const x = new Float32Array(1000);
    x[10] = 1;
    x[11] = -1;
    x[12] = 32767 / 32768;
    x[13] = 1.5; // a float file beyond full scale
    x[14] = 0.999; // below the threshold
    const r = analyzeAudio({ sampleRate: 44_100, channels: [x, x.slice()] });
    expect(r.clippedSamples).toBe(8);
    expect(r.peakDbfs).toBeCloseTo(20 * Math.log10(1.5), 3);
  });

  it("reads a 16-bit file that was clipped: every sample at the rails counts", async () => {
    const hot = sineTone({ seconds: 1, freqHz: 100, amplitude: 2, channels: 1 });
    const audio = await decodeAudio(encodeWav(hot, { bitDepth: 16 }), "wav");
    const r = analyzeAudio(audio);
    // A sine at twice full scale is beyond ±1 for two thirds of each period (|sin| ≥ 1/2).
    expect(r.clippedSamples / r.frames).toBeGreaterThan(0.64);
    expect(r.clippedSamples / r.frames).toBeLessThan(0.7);
  });

  it("reports progress from 0 to 1, in order", () => {
    const seen: number[] = [];
    analyzeAudio(noise(20, 0.5, 1), { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it("refuses a peak count out of range", () => {
    const audio = noise(0.1, 0.5, 1);
    expect(() => analyzeAudio(audio, { peakCount: 0 })).toThrow(RangeError);
    expect(() => analyzeAudio(audio, { peakCount: 1.5 })).toThrow(RangeError);
  });
});

describe("analyzeAudio edge cases", () => {
  const zeros = (frames: number, channels: number): AudioBuffer => ({ sampleRate: 44_100, channels: Array.from({ length: channels }, () => new Float32Array(frames)) });
  const noNaN = (r: object) => {
    for (const [key, value] of Object.entries(r)) if (typeof value === "number") expect(Number.isNaN(value), key).toBe(false);
  };

  it("silence: -Infinity dB values, 0 LU range, no clipping; JSON gets null", () => {
    const r = analyzeAudio(zeros(44_100 * 4, 2));
    noNaN(r);
    expect(r).toMatchObject({ peakDbfs: -Infinity, truePeakDbtp: -Infinity, rmsDbfs: -Infinity, integratedLufs: -Infinity, loudnessRangeLu: 0, clippedSamples: 0 });
    const json = JSON.parse(JSON.stringify(toJsonSafe(r))) as Record<string, unknown>;
    expect(json).toMatchObject({ peakDbfs: null, truePeakDbtp: null, rmsDbfs: null, integratedLufs: null, loudnessRangeLu: 0, frames: 176_400 });
    expect(json.peaks).toMatchObject({ count: 800 });
  });

  it("a single sample: finite peaks, -Infinity loudness", () => {
    const r = analyzeAudio({ sampleRate: 44_100, channels: [Float32Array.of(0.25)] });
    noNaN(r);
    expect(r.frames).toBe(1);
    expect(r.peakDbfs).toBeCloseTo(-12.04, 2);
    expect(r.truePeakDbtp).toBeCloseTo(-12.04, 2);
    expect(r.integratedLufs).toBe(-Infinity);
    expect(r.peaks).toEqual({ count: 1, min: [0.25], max: [0.25] });
  });

  it("no frames and no channels", () => {
    for (const audio of [zeros(0, 2), { sampleRate: 44_100, channels: [] }]) {
      const r = analyzeAudio(audio);
      noNaN(r);
      expect(r).toMatchObject({ frames: 0, durationSec: 0, peakDbfs: -Infinity, integratedLufs: -Infinity, clippedSamples: 0 });
      expect(r.peaks.count).toBe(0);
    }
  });

  it("mono and 6-channel input", () => {
    const mono = analyzeAudio(noise(5, 0.5, 2, 48_000, 1));
    noNaN(mono);
    expect(mono.channels).toBe(1);
    expect(Number.isFinite(mono.integratedLufs)).toBe(true);
    const surround = analyzeAudio(noise(5, 0.5, 2, 48_000, 6));
    noNaN(surround);
    expect(surround.channels).toBe(6);
    // Five weighted channels (three at 1, two at 1.41) of the same level: 10·log10(3 + 2·1.41) above one.
    expect(surround.integratedLufs - mono.integratedLufs).toBeCloseTo(10 * Math.log10(3 + 2 * 1.41), 1);
  });
});
