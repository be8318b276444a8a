import { describe, expect, it } from "vitest";
import { noise, rms, sine, yinPitch } from "../effects/pitch.test-support";
import { expectFinite } from "../effects/test-support";
import { resample, resampleByRatio } from "./resample";

/** Signal-to-residual ratio (dB) of `out` against an ideal sine at `rate`, `edge` frames in from each end. */
function sineSnrDb(out: Float32Array, rate: number, freqHz: number, amplitude: number, edge: number): number {
  let signal = 0;
  let residual = 0;
  for (let j = edge; j < out.length - edge; j++) {
    const ideal = amplitude * Math.sin((2 * Math.PI * freqHz * j) / rate);
    signal += ideal * ideal;
    residual += (out[j]! - ideal) ** 2;
  }
  return 10 * Math.log10(signal / residual);
}

describe("resample", () => {
  it("keeps a 1 kHz sine at 1 kHz from 44.1 kHz to 48 kHz, 80 dB above the residual", () => {
    const input = sine(1000, 44_100, 88_200, 0.9);
    const out = resample(input, 48_000);
    const ch = out.channels[0]!;
    expect(out.sampleRate).toBe(48_000);
    expect(Math.abs(ch.length - Math.round((88_200 * 48_000) / 44_100))).toBeLessThanOrEqual(1);
    expect(yinPitch(ch, 48_000)).toBeCloseTo(1000, 1);
    expect(sineSnrDb(ch, 48_000, 1000, 0.9, 200)).toBeGreaterThanOrEqual(80);
  });

  it.each([
    [48_000, 44_100],
    [22_050, 44_100],
    [8_000, 44_100],
    [96_000, 44_100],
    [44_100, 96_000],
    [44_100, 8_000],
  ])("converts %i Hz to %i Hz with the right length and a clean tone", (from, to) => {
    const frames = from; // one second
    const out = resample(sine(1000, from, frames, 0.9), to).channels[0]!;
    expect(Math.abs(out.length - Math.round((frames * to) / from))).toBeLessThanOrEqual(1);
    expect(yinPitch(out, to)).toBeCloseTo(1000, 0);
    expect(sineSnrDb(out, to, 1000, 0.9, Math.ceil(to / 100))).toBeGreaterThanOrEqual(80);
  });

  it("keeps treble up to 20 kHz at full level from 44.1 kHz to 48 kHz", () => {
    const out = resample(sine(19_000, 44_100, 44_100, 0.5), 48_000).channels[0]!;
    const levelDb = 20 * Math.log10(rms(out, 500, out.length - 500) / (0.5 / Math.SQRT2));
    expect(Math.abs(levelDb)).toBeLessThan(0.01);
  });

  it("removes a 20 kHz tone at least 80 dB when going from 48 kHz to 22.05 kHz, instead of aliasing it", () => {
    const input = sine(20_000, 48_000, 96_000, 1);
    const out = resample(input, 22_050).channels[0]!;
    const attenuationDb = 20 * Math.log10(rms(out, 500, out.length - 500) / rms(input.channels[0]!));
    expect(attenuationDb).toBeLessThanOrEqual(-80);
  });

  it("passes DC and silence exactly, up to the edges", () => {
    const dc = new Float32Array(20_000).fill(0.3);
    const silent = new Float32Array(20_000);
    const out = resample({ sampleRate: 44_100, channels: [dc, silent] }, 48_000);
    for (const v of out.channels[0]!) expect(Math.abs(v - Math.fround(0.3))).toBeLessThanOrEqual(1e-7);
    expect(out.channels[1]!.every((v) => v === 0)).toBe(true);
  });

  it("keeps channels apart and finite on full-scale noise at every quality", () => {
    for (const quality of ["low", "medium", "high"] as const) {
      const left = noise(10_000, 1, 1);
      const out = resample({ sampleRate: 48_000, channels: [left, new Float32Array(10_000)] }, 44_100, { quality });
      expect(out.channels).toHaveLength(2);
      expectFinite(out);
      expect(rms(out.channels[0]!)).toBeGreaterThan(0.4);
      expect(out.channels[1]!.every((v) => v === 0)).toBe(true);
    }
  });

  it("returns a copy when the rate does not change", () => {
    const input = sine(440, 44_100, 1000);
    const out = resample(input, 44_100);
    expect(out.channels[0]).toEqual(input.channels[0]);
    expect(out.channels[0]).not.toBe(input.channels[0]);
  });

  it("refuses a rate that is not a positive number", () => {
    expect(() => resample(sine(440, 44_100, 100), 0)).toThrow(RangeError);
    expect(() => resample(sine(440, 44_100, 100), Number.NaN)).toThrow(RangeError);
  });
});

describe("resampleByRatio", () => {
  it("reads a sine at an irrational ratio (a fifth) without changing its frequency", () => {
    const ratio = 2 ** (7 / 12);
    const input = sine(1000, 44_100, 44_100, 0.9).channels[0]!;
    const out = resampleByRatio(input, ratio);
    expect(out).toHaveLength(Math.round(44_100 * ratio));
    // Played at 44.1 kHz · ratio, it is the same 1 kHz tone.
    expect(sineSnrDb(out, 44_100 * ratio, 1000, 0.9, 500)).toBeGreaterThanOrEqual(80);
  });

  it("produces exactly the requested number of frames and lowers the pitch when stretching", () => {
    const input = sine(880, 44_100, 30_000, 0.5).channels[0]!;
    const out = resampleByRatio(input, 31_111 / 30_000, { outputLength: 31_111 });
    expect(out).toHaveLength(31_111);
    // Played at the original rate, the longer signal sounds lower by the ratio.
    expect(yinPitch(out, 44_100)).toBeCloseTo((880 * 30_000) / 31_111, 0);
  });

  it("downsamples by 4 without aliasing a tone above the new Nyquist", () => {
    const input = sine(9000, 44_100, 44_100, 1).channels[0]!;
    const out = resampleByRatio(input, 0.25 + 1e-9);
    expect(20 * Math.log10(rms(out, 400, out.length - 400))).toBeLessThanOrEqual(-80);
  });
});
