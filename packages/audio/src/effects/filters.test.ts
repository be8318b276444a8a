import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { sineTone } from "../wav/wav-encoder";
import { cascadeMagnitudeDb } from "./biquad";
import { eqEffect, eqSections, highpassEffect, lowpassEffect, passSections, ZEqEffectSchema, ZHighpassEffectSchema } from "./filters";
import { applyEffect, expectFinite, peakOf } from "./test-support";

function rms(x: Float32Array, from: number): number {
  let sum = 0;
  for (let i = from; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (x.length - from));
}

/** Output/input RMS in dB of a sine at `freqHz` through the effect, with the first 0.5 s skipped. */
function gainAt(definition: Parameters<typeof applyEffect>[0], params: Record<string, unknown>, freqHz: number, sampleRate = 44_100): number {
  const input = sineTone({ seconds: 1.5, freqHz, amplitude: 0.25, sampleRate, channels: 1 });
  const output = applyEffect(definition, input, params);
  const skip = Math.round(0.5 * sampleRate);
  return 20 * Math.log10(rms(output.channels[0]!, skip) / rms(input.channels[0]!, skip));
}

function noise(seconds: number, sampleRate: number, channels: number, amplitude = 1): AudioBuffer {
  let seed = 12345;
  return {
    sampleRate,
    channels: Array.from({ length: channels }, () => {
      const ch = new Float32Array(Math.round(seconds * sampleRate));
      for (let i = 0; i < ch.length; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        ch[i] = amplitude * (2 * (seed / 2 ** 32) - 1);
      }
      return ch;
    }),
  };
}

const HALF_POWER_DB = 10 * Math.log10(0.5);

describe("highpass and lowpass", () => {
  for (const slope of [12, 24, 36, 48] as const) {
    it(`highpass ${slope} dB/oct: −3 dB at the cutoff, at least ${slope - 1} dB down an octave below`, () => {
      const params = { freq_hz: 400, slope_db_per_oct: slope };
      expect(Math.abs(gainAt(highpassEffect, params, 400) - HALF_POWER_DB)).toBeLessThan(0.1);
      expect(gainAt(highpassEffect, params, 200)).toBeLessThan(-(slope - 1));
      expect(Math.abs(gainAt(highpassEffect, params, 3200))).toBeLessThan(0.1);
    });

    it(`lowpass ${slope} dB/oct: −3 dB at the cutoff, at least ${slope - 1} dB down an octave above`, () => {
      const params = { freq_hz: 2000, slope_db_per_oct: slope };
      expect(Math.abs(gainAt(lowpassEffect, params, 2000) - HALF_POWER_DB)).toBeLessThan(0.1);
      expect(gainAt(lowpassEffect, params, 4000)).toBeLessThan(-(slope - 1));
      expect(Math.abs(gainAt(lowpassEffect, params, 250))).toBeLessThan(0.1);
    });
  }

  it("q sets the resonance at the cutoff: q = 2 is +6 dB for a 12 dB slope", () => {
    expect(Math.abs(gainAt(lowpassEffect, { freq_hz: 1000, q: 2 }, 1000) - 20 * Math.log10(2))).toBeLessThan(0.1);
    expect(gainAt(highpassEffect, { freq_hz: 1000, q: 4, slope_db_per_oct: 24 }, 1000)).toBeGreaterThan(6);
  });

  it("defaults: highpass at 80 Hz, lowpass at 12 kHz, 12 dB/oct, Butterworth", () => {
    expect(ZHighpassEffectSchema.parse({ type: "highpass" })).toEqual({ type: "highpass", freq_hz: 80, q: Math.SQRT1_2, slope_db_per_oct: 12 });
    expect(Math.abs(gainAt(highpassEffect, {}, 80) - HALF_POWER_DB)).toBeLessThan(0.1);
    expect(Math.abs(gainAt(lowpassEffect, {}, 12_000) - HALF_POWER_DB)).toBeLessThan(0.1);
  });

  it("a cutoff above 0.45 × the sample rate is lowered to it, and stays stable", () => {
    const sampleRate = 22_050;
    const sections = passSections("lowpass", 20_000, Math.SQRT1_2, 48, sampleRate);
    expect(cascadeMagnitudeDb(sections, 0.45 * sampleRate, sampleRate)).toBeCloseTo(HALF_POWER_DB, 3);
    const out = applyEffect(lowpassEffect, noise(1, sampleRate, 2), { freq_hz: 20_000, slope_db_per_oct: 48, q: 10 });
    expectFinite(out);
    expect(Math.abs(gainAt(lowpassEffect, { freq_hz: 20_000 }, 0.45 * sampleRate, sampleRate) - HALF_POWER_DB)).toBeLessThan(0.1);
  });

  it("refuses a cutoff, q or slope out of range", () => {
    expect(ZHighpassEffectSchema.safeParse({ type: "highpass", freq_hz: 5 }).success).toBe(false);
    expect(ZHighpassEffectSchema.safeParse({ type: "highpass", freq_hz: 25_000 }).success).toBe(false);
    expect(ZHighpassEffectSchema.safeParse({ type: "highpass", q: 0 }).success).toBe(false);
    expect(ZHighpassEffectSchema.safeParse({ type: "highpass", slope_db_per_oct: 18 }).success).toBe(false);
    expect(ZHighpassEffectSchema.safeParse({ type: "highpass", freq_hz: Number.NaN }).success).toBe(false);
  });

  it("block by block through the chain equals one call over the whole signal", () => {
    const input = noise(1.3, 44_100, 2, 0.5);
    const chained = applyEffect(highpassEffect, input, { freq_hz: 150, slope_db_per_oct: 36 });
    const params = ZHighpassEffectSchema.parse({ type: "highpass", freq_hz: 150, slope_db_per_oct: 36 });
    const whole = input.channels.map((c) => c.slice());
    highpassEffect.create(params, { sampleRate: 44_100, channels: 2 })(whole, 0, whole[0]!.length);
    for (let c = 0; c < 2; c++) expect(chained.channels[c]!.every((v, i) => v === whole[c]![i])).toBe(true);
  });

  it("filters every channel of a multichannel signal alike", () => {
    const out = applyEffect(lowpassEffect, sineTone({ seconds: 0.5, freqHz: 5000, channels: 6 }), { freq_hz: 1000, slope_db_per_oct: 24 });
    for (const ch of out.channels) expect(rms(ch, 10_000)).toBeLessThan(0.5 * 10 ** (-40 / 20));
  });

  it("does not clip a full-scale sine in the passband (once past the highpass's onset transient)", () => {
    const tone = sineTone({ seconds: 1, freqHz: 1000, amplitude: 1 });
    // A sine switched on at full scale has low-frequency content at its onset; removing it overshoots
    // for a few ms, as in any highpass. After that the peak is the input's.
    const settled = (audio: AudioBuffer) => ({ sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.subarray(2205)) });
    expect(peakOf(settled(applyEffect(highpassEffect, tone, {})))).toBeLessThanOrEqual(1);
    expect(peakOf(applyEffect(lowpassEffect, tone, {}))).toBeLessThanOrEqual(1);
  });
});

describe("eq", () => {
  it("a peaking band has its gain at its centre; shelves have half their gain at their midpoint", () => {
    expect(Math.abs(gainAt(eqEffect, { bands: [{ kind: "peaking", freq_hz: 1000, gain_db: 6, q: 2 }] }, 1000) - 6)).toBeLessThan(0.1);
    expect(Math.abs(gainAt(eqEffect, { bands: [{ kind: "low_shelf", freq_hz: 200, gain_db: -8 }] }, 200) + 4)).toBeLessThan(0.1);
    expect(Math.abs(gainAt(eqEffect, { bands: [{ kind: "high_shelf", freq_hz: 6000, gain_db: 10 }] }, 6000) - 5)).toBeLessThan(0.1);
    expect(Math.abs(gainAt(eqEffect, { bands: [{ kind: "high_shelf", freq_hz: 6000, gain_db: 10 }] }, 16_000) - 10)).toBeLessThan(0.3);
  });

  it("bands add up: the measured response of several bands is their designed cascade", () => {
    const bands = [
      { kind: "low_shelf", freq_hz: 120, gain_db: 3 },
      { kind: "peaking", freq_hz: 800, gain_db: -5, q: 1.4 },
      { kind: "peaking", freq_hz: 3000, gain_db: 4, q: 0.8 },
      { kind: "high_shelf", freq_hz: 10_000, gain_db: -6, q: 0.5 },
    ];
    const parsed = ZEqEffectSchema.parse({ type: "eq", bands });
    const sections = eqSections(parsed.bands, 44_100);
    for (const f of [60, 800, 3000, 12_000]) {
      expect(Math.abs(gainAt(eqEffect, { bands }, f) - cascadeMagnitudeDb(sections, f, 44_100))).toBeLessThan(0.1);
    }
  });

  it("band defaults: 0 dB, q 1 for peaking and 0.7071 for shelves; a 0 dB band leaves the signal untouched", () => {
    const parsed = ZEqEffectSchema.parse({ type: "eq", bands: [{ kind: "peaking", freq_hz: 500 }, { kind: "high_shelf", freq_hz: 8000 }] });
    expect(parsed.bands).toEqual([
      { kind: "peaking", freq_hz: 500, gain_db: 0, q: 1 },
      { kind: "high_shelf", freq_hz: 8000, gain_db: 0, q: Math.SQRT1_2 },
    ]);
    const tone = sineTone({ seconds: 0.2, freqHz: 500, amplitude: 1 });
    const out = applyEffect(eqEffect, tone, { bands: parsed.bands });
    expect(out.channels[0]!.every((v, i) => v === tone.channels[0]![i])).toBe(true);
  });

  it("refuses no bands, 17 bands, and gains or qs out of range", () => {
    const band = { kind: "peaking", freq_hz: 1000, gain_db: 3 };
    expect(ZEqEffectSchema.safeParse({ type: "eq", bands: [] }).success).toBe(false);
    expect(ZEqEffectSchema.safeParse({ type: "eq", bands: new Array(17).fill(band) }).success).toBe(false);
    expect(ZEqEffectSchema.safeParse({ type: "eq", bands: new Array(16).fill(band) }).success).toBe(true);
    expect(ZEqEffectSchema.safeParse({ type: "eq", bands: [{ ...band, gain_db: 25 }] }).success).toBe(false);
    expect(ZEqEffectSchema.safeParse({ type: "eq", bands: [{ ...band, q: 20 }] }).success).toBe(false);
    expect(ZEqEffectSchema.safeParse({ type: "eq", bands: [{ ...band, kind: "notch" }] }).success).toBe(false);
  });

  it("stays finite with 16 extreme bands on full-scale noise", () => {
    const bands = Array.from({ length: 16 }, (_, k) => ({
      kind: (["peaking", "low_shelf", "high_shelf"] as const)[k % 3],
      freq_hz: k % 2 === 0 ? 10 : 20_000,
      gain_db: k % 4 < 2 ? 24 : -24,
      q: k % 3 === 0 ? 18 : 0.1,
    }));
    expectFinite(applyEffect(eqEffect, noise(1, 44_100, 2), { bands }));
  });

  it("cuts never clip a full-scale sine", () => {
    const tone = sineTone({ seconds: 1, freqHz: 1000, amplitude: 1 });
    const bands = [
      { kind: "peaking", freq_hz: 1000, gain_db: -6 },
      { kind: "high_shelf", freq_hz: 5000, gain_db: -12 },
    ];
    expect(peakOf(applyEffect(eqEffect, tone, { bands }))).toBeLessThanOrEqual(1);
  });
});
