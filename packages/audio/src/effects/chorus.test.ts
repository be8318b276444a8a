import { describe, expect, it } from "vitest";
import { chorusEffect } from "./chorus";
import { noise, powerShareNear, powerSpectrum, sine, spectralCentroid, yinPitch } from "./pitch.test-support";
import { applyEffect, expectFinite, peakOf } from "./test-support";

const SR = 44_100;

describe("chorus", () => {
  it("keeps a sine's spectrum centred on the sine at the default settings", () => {
    const out = applyEffect(chorusEffect, sine(1000, SR, SR * 4, 0.5, 2), {});
    expectFinite(out);
    for (const ch of out.channels) {
      const power = powerSpectrum(ch, SR, 65_536);
      expect(spectralCentroid(power, SR, 500, 1500)).toBeGreaterThan(995);
      expect(spectralCentroid(power, SR, 500, 1500)).toBeLessThan(1005);
      // The sweep adds sidebands a few Hz wide, not new notes.
      expect(powerShareNear(power, SR, 1000, 20)).toBeGreaterThan(0.99);
    }
  });

  it("sweeps the pitch of each voice by the amount the delay sweep implies", () => {
    // Delay swinging ±5 ms at 2 Hz: pitch deviation ±(π · 0.01 s · 2 Hz) = ±6.3 %.
    const out = applyEffect(chorusEffect, sine(440, SR, SR * 2, 0.5, 1), { rate_hz: 2, depth_ms: 10, mix: 1, voices: 1 }).channels[0]!;
    const pitches: number[] = [];
    for (let start = 4410; start + 2048 + 1200 < out.length; start += 441) pitches.push(yinPitch(out, SR, { start, length: 512, minHz: 200, maxHz: 800 }));
    const maxDev = Math.max(...pitches) / 440 - 1;
    const minDev = 1 - Math.min(...pitches) / 440;
    expect(maxDev).toBeGreaterThan(0.05);
    expect(maxDev).toBeLessThan(0.075);
    expect(minDev).toBeGreaterThan(0.05);
    expect(minDev).toBeLessThan(0.075);
  });

  it("is the identity at mix 0", () => {
    const input = { sampleRate: SR, channels: [noise(SR, 0.9, 1), noise(SR, 0.9, 2)] };
    const out = applyEffect(chorusEffect, input, { mix: 0 });
    for (let c = 0; c < 2; c++) expect(out.channels[c]!.every((v, i) => v === input.channels[c]![i])).toBe(true);
  });

  it("spreads a mono-compatible stereo signal into two different sides", () => {
    const out = applyEffect(chorusEffect, sine(500, SR, SR, 0.5, 2), { mix: 1 });
    let diff = 0;
    for (let i = SR / 2; i < SR; i++) diff = Math.max(diff, Math.abs(out.channels[0]![i]! - out.channels[1]![i]!));
    expect(diff).toBeGreaterThan(0.01);
  });

  it("never exceeds the input's peak, on full-scale noise and sines at extreme settings", () => {
    const input = { sampleRate: SR, channels: [noise(SR * 2, 1, 3), noise(SR * 2, 1, 4)] };
    for (const params of [{}, { rate_hz: 5, depth_ms: 10, delay_ms: 1, mix: 1, voices: 4 }, { rate_hz: 0.05, depth_ms: 0, delay_ms: 30, mix: 0.5, voices: 1 }]) {
      const noisy = applyEffect(chorusEffect, input, params);
      expectFinite(noisy);
      expect(peakOf(noisy)).toBeLessThanOrEqual(1);
      expect(peakOf(applyEffect(chorusEffect, sine(3000, SR, SR, 1, 2), params))).toBeLessThanOrEqual(1);
    }
  });

  it("handles mono and more channels", () => {
    const mono = applyEffect(chorusEffect, sine(300, 48_000, 48_000, 0.5, 1), { voices: 3 });
    expect(mono.channels).toHaveLength(1);
    expectFinite(mono);
    const quad = applyEffect(chorusEffect, sine(300, 48_000, 48_000, 0.5, 4), { voices: 4 });
    expect(quad.channels).toHaveLength(4);
    expectFinite(quad);
  });

  it("refuses fractional voice counts and rates out of range", () => {
    expect(() => chorusEffect.schema.parse({ type: "chorus", voices: 2.5 })).toThrow();
    expect(() => chorusEffect.schema.parse({ type: "chorus", rate_hz: 10 })).toThrow();
  });
});
