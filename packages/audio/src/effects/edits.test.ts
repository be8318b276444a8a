import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { sineTone } from "../wav/wav-encoder";
import { runSteps } from "./chain";
import {
  channelsEffect,
  FADE_SHAPES,
  fadeGain,
  fadeInEffect,
  fadeOutEffect,
  reverseEffect,
  stereoDownmix,
  trimEffect,
  ZChannelsEffectSchema,
  ZTrimEffectSchema,
} from "./edits";
import { applyEffect, expectFinite, peakOf } from "./test-support";

const SR = 44_100;

function constant(seconds: number, channels: number, value = 1, sampleRate = SR): AudioBuffer {
  const frames = Math.round(seconds * sampleRate);
  return { sampleRate, channels: Array.from({ length: channels }, () => new Float32Array(frames).fill(value)) };
}

/** Each frame's value is its index, so a kept range can be read off the samples. */
function ramp(frames: number, channels: number): AudioBuffer {
  return { sampleRate: SR, channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => i + c * 0.25)) };
}

const frames = (a: AudioBuffer) => a.channels[0]?.length ?? 0;

describe("trim", () => {
  it("keeps exactly duration_s·fs frames from start_s", () => {
    const out = applyEffect(trimEffect, ramp(3 * SR, 2), { start_s: 0.5, duration_s: 1 });
    expect(frames(out)).toBe(SR);
    expect(out.channels[0]![0]).toBe(0.5 * SR);
    expect(out.channels[1]![SR - 1]).toBe(1.5 * SR - 1 + 0.25);
  });

  it("keeps [start_s, end_s), and the rest of the file with neither", () => {
    expect(frames(applyEffect(trimEffect, ramp(3 * SR, 1), { start_s: 0.5, end_s: 2.25 }))).toBe(1.75 * SR);
    const rest = applyEffect(trimEffect, ramp(3 * SR, 1), { start_s: 1 });
    expect(frames(rest)).toBe(2 * SR);
    expect(rest.channels[0]![0]).toBe(SR);
  });

  it("is bounded by the file: an end past it stops at the end, a start past it gives an empty signal", () => {
    expect(frames(applyEffect(trimEffect, ramp(SR, 2), { start_s: 0.5, end_s: 10 }))).toBe(SR / 2);
    expect(frames(applyEffect(trimEffect, ramp(SR, 2), { duration_s: 10 }))).toBe(SR);
    const empty = applyEffect(trimEffect, ramp(SR, 2), { start_s: 5, duration_s: 1 });
    expect(empty.channels).toHaveLength(2);
    expect(frames(empty)).toBe(0);
    expect(frames(applyEffect(trimEffect, ramp(SR, 1), { start_s: 0.5, duration_s: 0 }))).toBe(0);
  });

  it("refuses a negative start, an end before the start, and both end_s and duration_s", () => {
    expect(ZTrimEffectSchema.safeParse({ type: "trim", start_s: -1 }).success).toBe(false);
    expect(ZTrimEffectSchema.safeParse({ type: "trim", start_s: 2, end_s: 1 }).success).toBe(false);
    expect(ZTrimEffectSchema.safeParse({ type: "trim", end_s: 2, duration_s: 1 }).success).toBe(false);
    expect(ZTrimEffectSchema.safeParse({ type: "trim", duration_s: -0.5 }).success).toBe(false);
    expect(ZTrimEffectSchema.parse({ type: "trim" })).toEqual({ type: "trim", start_s: 0 });
  });
});

describe("fades", () => {
  // The midpoint of each curve by its formula (see fadeGain).
  const MIDPOINTS: Record<(typeof FADE_SHAPES)[number], number> = {
    linear: 0.5,
    exponential: (10 ** -1.5 - 1e-3) / (1 - 1e-3),
    logarithmic: 0.75,
    s_curve: 0.5,
    equal_power: Math.SQRT1_2,
  };

  for (const shape of FADE_SHAPES) {
    it(`${shape} fade-in: starts at silence, rises monotonically, passes its midpoint value, then leaves the signal alone`, () => {
      const out = applyEffect(fadeInEffect, constant(3, 2), { duration_s: 2, shape });
      const n = 2 * SR;
      for (const ch of out.channels) {
        expect(ch[0]).toBe(0);
        expect(ch[n / 2]).toBeCloseTo(MIDPOINTS[shape], 6);
        for (let i = 1; i < n; i++) if (ch[i]! < ch[i - 1]!) expect.fail(`falls at frame ${i}`);
        for (let i = 0; i < n; i++) if (Math.abs(ch[i]! - fadeGain(shape, i / n)) > 1e-6) expect.fail(`frame ${i}: ${ch[i]} against ${fadeGain(shape, i / n)}`);
        expect(ch.subarray(n).every((v) => v === 1)).toBe(true);
      }
    });

    it(`${shape} fade-out: the mirror image, ending at silence`, () => {
      const out = applyEffect(fadeOutEffect, constant(3, 2), { duration_s: 2, shape });
      const n = 2 * SR;
      const last = 3 * SR - 1;
      for (const ch of out.channels) {
        expect(ch[last]).toBe(0);
        expect(ch[last - n / 2]).toBeCloseTo(MIDPOINTS[shape], 6);
        for (let j = 0; j < n; j++) if (Math.abs(ch[last - j]! - fadeGain(shape, j / n)) > 1e-6) expect.fail(`frame ${last - j}`);
        for (let i = last - n + 1; i <= last; i++) if (ch[i]! > ch[i - 1]!) expect.fail(`rises at frame ${i}`);
        expect(ch.subarray(0, last - n + 1).every((v) => v === 1)).toBe(true);
      }
    });
  }

  it("a 10-minute fade follows its curve to the end (no drift in the recurrences)", () => {
    const sampleRate = 8000;
    const long = constant(600, 1, 1, sampleRate);
    for (const shape of FADE_SHAPES) {
      const out = applyEffect(fadeOutEffect, long, { duration_s: 600, shape });
      const ch = out.channels[0]!;
      const n = ch.length;
      for (const j of [1, n / 4, n / 2, n - 1]) expect(Math.abs(ch[n - 1 - j]! - fadeGain(shape, j / n))).toBeLessThan(1e-6);
    }
  });

  it("a fade longer than the file is heard only in part; a fade of 0 s changes nothing", () => {
    const fadedIn = applyEffect(fadeInEffect, constant(1, 1), { duration_s: 2 });
    expect(fadedIn.channels[0]![SR - 1]).toBeCloseTo(0.5, 4);
    const fadedOut = applyEffect(fadeOutEffect, constant(1, 1), { duration_s: 2 });
    expect(fadedOut.channels[0]![0]).toBeCloseTo(0.5, 4);
    const tone = sineTone({ seconds: 0.5 });
    expect(applyEffect(fadeInEffect, tone, { duration_s: 0 }).channels[0]).toEqual(tone.channels[0]);
    expect(applyEffect(fadeOutEffect, tone, { duration_s: 0 }).channels[0]).toEqual(tone.channels[0]);
  });

  it("never raises a full-scale signal", () => {
    for (const shape of FADE_SHAPES) {
      expect(peakOf(applyEffect(fadeInEffect, constant(1, 2), { duration_s: 600, shape }))).toBeLessThanOrEqual(1);
      expect(peakOf(applyEffect(fadeOutEffect, constant(1, 2), { duration_s: 0.3, shape }))).toBeLessThanOrEqual(1);
    }
  });

  it("refuses a negative or over-long duration and unknown shapes", () => {
    expect(fadeInEffect.schema.safeParse({ type: "fade_in", duration_s: -1 }).success).toBe(false);
    expect(fadeOutEffect.schema.safeParse({ type: "fade_out", duration_s: 601 }).success).toBe(false);
    expect(fadeOutEffect.schema.safeParse({ type: "fade_out", shape: "cubic" }).success).toBe(false);
    expect(fadeInEffect.schema.parse({ type: "fade_in" })).toEqual({ type: "fade_in", duration_s: 1, shape: "linear" });
  });
});

describe("reverse", () => {
  it("plays backwards; twice is the original", () => {
    const input = ramp(10_001, 2);
    const once = applyEffect(reverseEffect, input, {});
    expect(once.channels[0]![0]).toBe(10_000);
    expect(once.channels[1]![10_000]).toBe(0.25);
    const twice = applyEffect(reverseEffect, once, {});
    expect(twice.channels).toEqual(input.channels);
  });
});

describe("channels", () => {
  it("mono averages the channels", () => {
    const stereo: AudioBuffer = { sampleRate: SR, channels: [new Float32Array(100).fill(1), new Float32Array(100).fill(0.5)] };
    const mono = applyEffect(channelsEffect, stereo, { mode: "mono" });
    expect(mono.channels).toHaveLength(1);
    expect(mono.channels[0]!.every((v) => v === 0.75)).toBe(true);
  });

  it("mono of an out-of-phase stereo pair cancels to silence, as on a mono speaker", () => {
    const left = sineTone({ seconds: 0.5, amplitude: 1, channels: 1 }).channels[0]!;
    const right = left.map((v) => -v);
    const mono = applyEffect(channelsEffect, { sampleRate: SR, channels: [left, right] }, { mode: "mono" });
    expect(peakOf(mono)).toBe(0);
  });

  it("stereo duplicates mono, and leaves stereo unchanged", () => {
    const mono = sineTone({ seconds: 0.2, channels: 1 });
    const stereo = applyEffect(channelsEffect, mono, { mode: "stereo" });
    expect(stereo.channels).toHaveLength(2);
    expect(stereo.channels[0]).toEqual(mono.channels[0]);
    expect(stereo.channels[1]).toEqual(mono.channels[0]);
    const already = sineTone({ seconds: 0.2, channels: 2 });
    expect(applyEffect(channelsEffect, already, { mode: "stereo" }).channels).toEqual(already.channels);
    expect(applyEffect(channelsEffect, mono, { mode: "mono" }).channels).toEqual(mono.channels);
  });

  it("folds 5.1 down to stereo (BS.775): centre to both sides equally, surrounds to their side, LFE dropped, no clipping", () => {
    const only = (k: number): AudioBuffer => ({
      sampleRate: SR,
      channels: Array.from({ length: 6 }, (_, c) => new Float32Array(10).fill(c === k ? 1 : 0)),
    });
    const centre = applyEffect(channelsEffect, only(2), { mode: "stereo" });
    expect(centre.channels).toHaveLength(2);
    expect(centre.channels[0]![0]).toBeCloseTo(centre.channels[1]![0]!, 7);
    expect(centre.channels[0]![0]).toBeGreaterThan(0);
    expect(peakOf(applyEffect(channelsEffect, only(3), { mode: "stereo" }))).toBe(0);
    const rearLeft = applyEffect(channelsEffect, only(4), { mode: "stereo" });
    expect(rearLeft.channels[0]![0]).toBeGreaterThan(0);
    expect(rearLeft.channels[1]![0]).toBe(0);
    const frontLeft = applyEffect(channelsEffect, only(0), { mode: "stereo" });
    expect(frontLeft.channels[0]![0]! / centre.channels[0]![0]!).toBeCloseTo(Math.SQRT2, 5);
    expect(peakOf(applyEffect(channelsEffect, constant(0.1, 6), { mode: "stereo" }))).toBeLessThanOrEqual(1);
  });

  it("every downmix row set sums to at most 1 per side, for 3 to 12 channels", () => {
    for (let count = 3; count <= 12; count++) {
      const rows = stereoDownmix(count);
      expect(rows).toHaveLength(count);
      expect(rows.reduce((s, [l]) => s + l, 0)).toBeLessThanOrEqual(1 + 1e-12);
      expect(rows.reduce((s, [, r]) => s + r, 0)).toBeLessThanOrEqual(1 + 1e-12);
      const out = applyEffect(channelsEffect, constant(0.05, count), { mode: "stereo" });
      expectFinite(out);
      expect(peakOf(out)).toBeLessThanOrEqual(1);
    }
  });

  it("needs a mode", () => {
    expect(ZChannelsEffectSchema.safeParse({ type: "channels" }).success).toBe(false);
    expect(ZChannelsEffectSchema.safeParse({ type: "channels", mode: "surround" }).success).toBe(false);
  });

  it("chains: stereo → mono → stereo after a fade gives two identical channels", () => {
    const input = sineTone({ seconds: 0.5, channels: 2 });
    const out = runSteps(input, [
      { definition: fadeInEffect, params: fadeInEffect.schema.parse({ type: "fade_in", duration_s: 0.1 }) },
      { definition: channelsEffect, params: ZChannelsEffectSchema.parse({ type: "channels", mode: "mono" }) },
      { definition: channelsEffect, params: ZChannelsEffectSchema.parse({ type: "channels", mode: "stereo" }) },
    ]);
    expect(out.channels).toHaveLength(2);
    expect(out.channels[0]).toEqual(out.channels[1]);
    expect(out.channels[0]![0]).toBe(0);
  });
});
