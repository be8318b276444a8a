import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { kWeighting } from "./k-weighting";
import { channelWeights, LoudnessMeter, measureLoudness } from "./loudness";
import { noise, toneSegments } from "./test-signals";

describe("K-weighting", () => {
  it("reproduces the 48 kHz coefficients tabulated in ITU-R BS.1770-4", () => {
    const { shelf, highpass } = kWeighting(48_000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 9);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 9);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 9);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 9);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 9);
    expect(highpass.a1).toBeCloseTo(-1.99004745483398, 9);
    expect(highpass.a2).toBeCloseTo(0.99007225036621, 9);
  });

  it("has the same response at 44.1 kHz as at 48 kHz (+4 dB shelf, RLB roll-off)", () => {
    const gainAt = (sampleRate: number, freq: number) => {
      const r = measureLoudness(toneSegments(sampleRate, [{ seconds: 2, dbfs: -20 }], 1, freq));
      return r.integratedLufs;
    };
    for (const freq of [20, 100, 1000, 4000, 10_000]) expect(gainAt(44_100, freq)).toBeCloseTo(gainAt(48_000, freq), 1);
    // The shelf: +4 dB at 10 kHz against +0.7 dB at 1 kHz; the RLB high-pass cuts 20 Hz.
    const shelf = gainAt(44_100, 10_000) - gainAt(44_100, 1000);
    expect(shelf).toBeGreaterThan(3);
    expect(shelf).toBeLessThan(3.6);
    expect(gainAt(44_100, 20) - gainAt(44_100, 1000)).toBeLessThan(-10);
  });
});

// EBU Tech 3341 (2016) minimum-requirement cases that can be synthesised: 1 kHz sines, levels as sine peak levels.
describe.each([44_100, 48_000])("EBU Tech 3341 at %i Hz", (sampleRate) => {
  const lufs = (segments: { seconds: number; dbfs: number }[]) => measureLoudness(toneSegments(sampleRate, segments)).integratedLufs;

  it("case 1: stereo -23 dBFS reads -23.0 LUFS", () => {
    expect(lufs([{ seconds: 20, dbfs: -23 }])).toBeCloseTo(-23, 1);
  });

  it("case 2: stereo -33 dBFS reads -33.0 LUFS", () => {
    expect(lufs([{ seconds: 20, dbfs: -33 }])).toBeCloseTo(-33, 1);
  });

  it("case 3: -36 / -23 / -36 dBFS (10 s, 60 s, 10 s) reads -23.0 LUFS (relative gate)", () => {
    const v = lufs([
      { seconds: 10, dbfs: -36 },
      { seconds: 60, dbfs: -23 },
      { seconds: 10, dbfs: -36 },
    ]);
    expect(Math.abs(v + 23)).toBeLessThanOrEqual(0.1);
  });

  it("case 4: -72 / -36 / -23 / -36 / -72 dBFS reads -23.0 LUFS (absolute and relative gates)", () => {
    const v = lufs([
      { seconds: 10, dbfs: -72 },
      { seconds: 10, dbfs: -36 },
      { seconds: 60, dbfs: -23 },
      { seconds: 10, dbfs: -36 },
      { seconds: 10, dbfs: -72 },
    ]);
    expect(Math.abs(v + 23)).toBeLessThanOrEqual(0.1);
  });

  it("case 5: -26 / -20 / -26 dBFS (20 s, 20.1 s, 20 s) reads -23.0 LUFS", () => {
    const v = lufs([
      { seconds: 20, dbfs: -26 },
      { seconds: 20.1, dbfs: -20 },
      { seconds: 20, dbfs: -26 },
    ]);
    expect(Math.abs(v + 23)).toBeLessThanOrEqual(0.1);
  });

  it("case 6: 5.0 channels (L, R -28; C -24; Ls, Rs -30 dBFS) read -23.0 LUFS", () => {
    const level = [-28, -28, -24, -30, -30];
    const channels = level.map((dbfs) => toneSegments(sampleRate, [{ seconds: 20, dbfs }], 1).channels[0]!);
    expect(Math.abs(measureLoudness({ sampleRate, channels }).integratedLufs + 23)).toBeLessThanOrEqual(0.1);
  });

  it("EBU Tech 3342 case 1: -20 / -30 dBFS (20 s each) has a loudness range of 10 LU", () => {
    const r = measureLoudness(
      toneSegments(sampleRate, [
        { seconds: 20, dbfs: -20 },
        { seconds: 20, dbfs: -30 },
      ]),
    );
    expect(Math.abs(r.loudnessRangeLu - 10)).toBeLessThanOrEqual(0.1);
  });
});

describe("channel weights", () => {
  it("excludes the LFE of 5.1 and weighs its surrounds 1.41", () => {
    expect([...channelWeights(6)]).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    expect([...channelWeights(2)]).toEqual([1, 1]);
    expect([...channelWeights(5)]).toEqual([1, 1, 1, 1.41, 1.41]);
  });

  it("a loud LFE does not change the loudness of 5.1", () => {
    const sampleRate = 48_000;
    const tone = toneSegments(sampleRate, [{ seconds: 5, dbfs: -20 }], 1).channels[0]!;
    const silent = new Float32Array(tone.length);
    const quietLfe = measureLoudness({ sampleRate, channels: [tone, tone, silent, silent, silent, silent] }).integratedLufs;
    const loudLfe = measureLoudness({ sampleRate, channels: [tone, tone, silent, noise(5, 1, 3, sampleRate, 1).channels[0]!, silent, silent] });
    expect(loudLfe.integratedLufs).toBeCloseTo(quietLfe, 6);
  });

  it("a surround channel counts +1.5 dB (weight 1.41) over a front channel", () => {
    const sampleRate = 48_000;
    const tone = toneSegments(sampleRate, [{ seconds: 5, dbfs: -20 }], 1).channels[0]!;
    const silent = new Float32Array(tone.length);
    const front = measureLoudness({ sampleRate, channels: [tone, silent, silent, silent, silent, silent] }).integratedLufs;
    const surround = measureLoudness({ sampleRate, channels: [silent, silent, silent, silent, tone, silent] }).integratedLufs;
    expect(surround - front).toBeCloseTo(10 * Math.log10(1.41), 3);
  });
});

describe("edge cases", () => {
  const empty = (sampleRate: number, frames: number, channels: number): AudioBuffer => ({
    sampleRate,
    channels: Array.from({ length: channels }, () => new Float32Array(frames)),
  });

  it("silence reads -Infinity LUFS, a range of 0 LU and -Infinity maxima and gates", () => {
    expect(measureLoudness(empty(44_100, 44_100 * 5, 2))).toEqual({
      integratedLufs: -Infinity,
      loudnessRangeLu: 0,
      momentaryMaxLufs: -Infinity,
      shortTermMaxLufs: -Infinity,
      integratedThresholdLufs: -Infinity,
      rangeThresholdLufs: -Infinity,
      rangeLowLufs: -Infinity,
      rangeHighLufs: -Infinity,
    });
  });

  it("audio shorter than a 400 ms block reads -Infinity; between 400 ms and 3 s has no short-term values", () => {
    const short = toneSegments(48_000, [{ seconds: 0.3, dbfs: -10 }]);
    expect(measureLoudness(short).integratedLufs).toBe(-Infinity);
    const medium = measureLoudness(toneSegments(48_000, [{ seconds: 1, dbfs: -23 }]));
    expect(medium.integratedLufs).toBeCloseTo(-23, 1);
    expect(medium.momentaryMaxLufs).toBeCloseTo(-23, 1);
    expect(medium.shortTermMaxLufs).toBe(-Infinity);
    expect(medium.loudnessRangeLu).toBe(0);
  });

  it("stays finite at very low sample rates (the shelf would sit above Nyquist)", () => {
    for (const sampleRate of [1000, 3000, 8000]) expect(Number.isFinite(measureLoudness(noise(5, 0.5, 1, sampleRate)).integratedLufs)).toBe(true);
  });

  it("one sample, no frames and no channels give -Infinity, never NaN", () => {
    const one = { sampleRate: 44_100, channels: [Float32Array.of(0.5)] };
    for (const audio of [one, empty(44_100, 0, 2), { sampleRate: 44_100, channels: [] }]) {
      const r = measureLoudness(audio);
      expect(r.integratedLufs).toBe(-Infinity);
      expect(r.loudnessRangeLu).toBe(0);
    }
  });

  it("mono reads the level of its one channel (3 LU below the same signal in both stereo channels)", () => {
    const mono = measureLoudness(toneSegments(44_100, [{ seconds: 5, dbfs: -20 }], 1)).integratedLufs;
    const stereo = measureLoudness(toneSegments(44_100, [{ seconds: 5, dbfs: -20 }], 2)).integratedLufs;
    expect(stereo - mono).toBeCloseTo(10 * Math.log10(2), 2);
  });

  it("gives the same result whatever the block sizes it is fed in", () => {
    const audio = noise(7.3, 0.3, 11);
    const whole = measureLoudness(audio);
    const meter = new LoudnessMeter(audio.sampleRate, 2);
    const frames = audio.channels[0]!.length;
    for (let start = 0, size = 1; start < frames; start += size, size = (size * 7) % 5003) meter.add(audio.channels, start, Math.min(frames, start + size));
    const fed = meter.result();
    expect(fed.integratedLufs).toBeCloseTo(whole.integratedLufs, 9);
    expect(fed.loudnessRangeLu).toBeCloseTo(whole.loudnessRangeLu, 9);
  });
});
