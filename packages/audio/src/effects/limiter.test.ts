import { describe, expect, it } from "vitest";
import { linearToDb } from "../analysis/decibels";
import { musicLike, noise } from "../analysis/test-signals";
import { samplePeak, truePeak } from "../analysis/true-peak";
import { type AudioBuffer } from "../types";
import { sineTone } from "../wav/wav-encoder";
import { limiterEffect, ZLimiterEffectSchema } from "./limiter";
import { applyEffect, expectFinite, peakOf } from "./test-support";

/** The true-peak meter's tolerance against the limiter's own detector (see limiter.ts). */
const TP_TOLERANCE_DB = 0.1;

function clicks(seconds: number, channels = 2, sampleRate = 44_100): AudioBuffer {
  const frames = Math.round(seconds * sampleRate);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 1000; i < frames; i += 7919) {
    out[0]![i] = 1;
    out[0]![i + 1] = -1; // a full-scale doublet: its true peak is well over 0 dBTP
    out[channels - 1]![i + 3] = -0.95;
  }
  return { sampleRate, channels: out };
}

const signals = {
  "full-scale noise": () => noise(4, 1, 3),
  "sine +12 dB over full scale": () => sineTone({ seconds: 3, freqHz: 1000, amplitude: 10 ** (12 / 20) }),
  "high sine +12 dB": () => sineTone({ seconds: 3, freqHz: 9000, amplitude: 10 ** (12 / 20) }),
  clicks: () => clicks(3),
  "loud music": () => musicLike({ seconds: 8, seed: 5, gainDb: 8, drumsDb: 6 }),
};

describe("limiter", () => {
  it("has the documented defaults", () => {
    expect(ZLimiterEffectSchema.parse({ type: "limiter" })).toEqual({ type: "limiter", ceiling_db: -1, lookahead_ms: 5, release_ms: 100, true_peak: true });
  });

  it.each(Object.entries(signals))("holds the true-peak ceiling on %s, for extreme settings", (_, make) => {
    const input = make();
    for (const ceiling_db of [-24, -1, 0]) {
      for (const [lookahead_ms, release_ms] of [
        [1, 10],
        [5, 100],
        [20, 2000],
      ]) {
        const out = applyEffect(limiterEffect, input, { ceiling_db, lookahead_ms, release_ms });
        expectFinite(out);
        expect(out.channels[0]!.length).toBe(input.channels[0]!.length);
        expect(linearToDb(truePeak(out))).toBeLessThanOrEqual(ceiling_db + TP_TOLERANCE_DB);
      }
    }
  });

  it("in sample-peak mode holds the sample peak exactly", () => {
    for (const make of Object.values(signals)) {
      const out = applyEffect(limiterEffect, make(), { ceiling_db: -3, true_peak: false, lookahead_ms: 1 });
      expectFinite(out);
      expect(samplePeak(out)).toBeLessThanOrEqual(10 ** (-3 / 20) * (1 + 1e-6));
    }
  });

  it("passes audio under the ceiling bit for bit", () => {
    const quiet = musicLike({ seconds: 6, seed: 8, gainDb: -20 });
    expect(linearToDb(truePeak(quiet))).toBeLessThan(-3);
    const out = applyEffect(limiterEffect, quiet, { ceiling_db: -1 });
    let differing = 0;
    for (let c = 0; c < 2; c++) for (let i = 0; i < quiet.channels[c]!.length; i++) if (out.channels[c]![i] !== quiet.channels[c]![i]) differing++;
    expect(differing).toBe(0);
  });

  it("does not clip a 0 dBFS sine at a 0 dB ceiling", () => {
    const out = applyEffect(limiterEffect, sineTone({ seconds: 1, freqHz: 440, amplitude: 1 }), { ceiling_db: 0 });
    expect(peakOf(out)).toBeLessThanOrEqual(1);
  });

  it("keeps the output aligned with the input: a click stays where it was, the signal does not shift", () => {
    const sampleRate = 44_100;
    const bed = sineTone({ seconds: 2, freqHz: 220, amplitude: 0.1, sampleRate, channels: 1 });
    const at = 50_000;
    bed.channels[0]![at] = 1;
    const out = applyEffect(limiterEffect, bed, { ceiling_db: -6, lookahead_ms: 5, release_ms: 50 });
    const x = out.channels[0]!;
    let argmax = 0;
    for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) > Math.abs(x[argmax]!)) argmax = i;
    expect(argmax).toBe(at);
    // Cross-correlation of input and output is largest at lag 0.
    const xcorr = (lag: number) => {
      let s = 0;
      for (let i = 1000; i < x.length - 1000; i++) s += bed.channels[0]![i]! * x[i + lag]!;
      return s;
    };
    for (const lag of [-3, -2, -1, 1, 2, 3]) expect(xcorr(0)).toBeGreaterThan(xcorr(lag));
  });

  it("pulls the gain down within the look-ahead before a peak and lets it recover after the release", () => {
    const sampleRate = 48_000;
    const bed = sineTone({ seconds: 3, freqHz: 200, amplitude: 0.1, sampleRate, channels: 1 });
    const input = bed.channels[0]!.slice();
    const at = 60_000;
    bed.channels[0]![at] = 1;
    const out = applyEffect(limiterEffect, bed, { ceiling_db: -12, lookahead_ms: 5, release_ms: 50 }).channels[0]!;
    const gainAt = (i: number) => Math.abs(out[i]! / input[i]!);
    // Untouched until the look-ahead (5 ms = 240 frames, plus at most 7 frames of rounding to the detector's groups of 8) before the click.
    for (let i = 1000; i < at - 250; i += 7) if (input[i] !== 0) expect(out[i]).toBe(input[i]);
    // Fully down within 6 frames of the click, on both sides.
    const floor = 10 ** (-12 / 20);
    expect(Math.abs(out[at]!)).toBeLessThanOrEqual(floor * 1.0001);
    for (const i of [at - 5, at - 3, at + 3, at + 6]) if (Math.abs(input[i]!) > 0.01) expect(gainAt(i)).toBeLessThanOrEqual(floor * 1.0001);
    // Back to within 1 % of unity five release time constants (250 ms) later.
    const later = at + 0.3 * sampleRate + 1;
    expect(gainAt(later)).toBeGreaterThan(0.99);
  });

  it("links the channels: a peak in one channel lowers both by the same gain", () => {
    const left = sineTone({ seconds: 1, freqHz: 300, amplitude: 0.2, channels: 1 }).channels[0]!;
    const right = left.slice();
    left[20_000] = 1;
    const out = applyEffect(limiterEffect, { sampleRate: 44_100, channels: [left, right] }, { ceiling_db: -6 });
    for (const i of [19_990, 20_003, 20_100]) expect(out.channels[1]![i]! / right[i]!).toBeCloseTo(out.channels[0]![i]! / left[i]!, 5);
    expect(Math.abs(out.channels[1]![20_003]! / right[20_003]!)).toBeLessThan(0.6);
  });

  it("handles mono, 6 channels, a single sample and an empty buffer", () => {
    for (const audio of [noise(1, 1, 4, 44_100, 1), noise(1, 1, 4, 48_000, 6), { sampleRate: 44_100, channels: [Float32Array.of(1)] }, { sampleRate: 44_100, channels: [new Float32Array(0)] }]) {
      const out = applyEffect(limiterEffect, audio, { ceiling_db: -6 });
      expectFinite(out);
      expect(out.channels.length).toBe(audio.channels.length);
      expect(out.channels[0]!.length).toBe(audio.channels[0]!.length);
      if (audio.channels[0]!.length > 0) expect(linearToDb(truePeak(out))).toBeLessThanOrEqual(-6 + TP_TOLERANCE_DB);
    }
  });

  it("at 192 kHz limits the sample peak (the samples are already dense)", () => {
    const out = applyEffect(limiterEffect, noise(0.5, 1, 9, 192_000), { ceiling_db: -2 });
    expect(samplePeak(out)).toBeLessThanOrEqual(10 ** (-2 / 20) * (1 + 1e-6));
  });
});
