import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { delayEffect, delayTimeMs } from "./delay";
import { noise, rms } from "./pitch.test-support";
import { applyEffect, expectFinite, peakOf } from "./test-support";

const SR = 44_100;

function impulse(frames: number, channels = 1): AudioBuffer {
  return {
    sampleRate: SR,
    channels: Array.from({ length: channels }, () => {
      const ch = new Float32Array(frames);
      ch[0] = 1;
      return ch;
    }),
  };
}

/** Indices and values of samples whose magnitude exceeds `floor`. */
function spikes(x: Float32Array, floor = 1e-6): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) > floor) out.push([i, x[i]!]);
  return out;
}

describe("delay", () => {
  it("syncs to the tempo: 120 bpm eighth notes are 250 ms apart, and note values scale from there", () => {
    expect(delayTimeMs({ time_ms: 375, bpm: 120, note: "1/8" })).toBe(250);
    expect(delayTimeMs({ time_ms: 375, bpm: 120, note: "1/4" })).toBe(500);
    expect(delayTimeMs({ time_ms: 375, bpm: 120, note: "1/8d" })).toBe(375);
    expect(delayTimeMs({ time_ms: 375, bpm: 120, note: "1/4t" })).toBeCloseTo(1000 / 3, 9);
    expect(delayTimeMs({ time_ms: 375 })).toBe(375);
  });

  it("puts echo n of an impulse at n · 250 ms with amplitude mix · feedback^(n−1)", () => {
    const mix = 0.4;
    const feedback = 0.6;
    const out = applyEffect(delayEffect, impulse(SR * 2), { bpm: 120, note: "1/8", mix, feedback }).channels[0]!;
    const found = spikes(out);
    expect(found[0]).toEqual([0, Math.fround(1 - mix)]);
    const echoes = found.slice(1);
    expect(echoes.length).toBe(7); // 250, 500, ..., 1750 ms within 2 s
    echoes.forEach(([at, value], k) => {
      expect(at).toBe((k + 1) * 11_025);
      const expected = mix * feedback ** k;
      expect(Math.abs(value - expected) / expected).toBeLessThan(0.01);
    });
  });

  it("takes time_ms when no tempo is given", () => {
    const out = applyEffect(delayEffect, impulse(SR), { time_ms: 100, feedback: 0 }).channels[0]!;
    expect(spikes(out).map(([at]) => at)).toEqual([0, 4410]);
  });

  it("bounces echoes between left and right in ping-pong mode", () => {
    const out = applyEffect(delayEffect, impulse(SR * 2, 2), { time_ms: 250, mix: 0.5, feedback: 0.5, ping_pong: true });
    const left = spikes(out.channels[0]!).slice(1);
    const right = spikes(out.channels[1]!).slice(1);
    expect(left.map(([at]) => at)).toEqual([11_025, 33_075, 55_125, 77_175]);
    expect(right.map(([at]) => at)).toEqual([22_050, 44_100, 66_150]);
    expect(left[0]![1]).toBeCloseTo(0.5, 6);
    expect(right[0]![1]).toBeCloseTo(0.25, 6);
    expect(left[1]![1]).toBeCloseTo(0.125, 6);
  });

  it("darkens each echo with the tone filter", () => {
    const input = { sampleRate: SR, channels: [noise(SR / 10, 1, 3)] };
    const padded = { sampleRate: SR, channels: [new Float32Array(SR * 2)] };
    padded.channels[0]!.set(input.channels[0]!);
    const out = applyEffect(delayEffect, padded, { time_ms: 500, feedback: 0.9, mix: 1, tone_hz: 1000 }).channels[0]!;
    // High-frequency content: first differences. Echo 3 keeps much less of it than echo 1.
    const hf = (from: number) => {
      const d = new Float32Array(SR / 10);
      for (let i = 1; i < d.length; i++) d[i] = out[from + i]! - out[from + i - 1]!;
      return rms(d) / rms(out, from, from + SR / 10);
    };
    expect(hf(SR * 1.5)).toBeLessThan(0.5 * hf(SR * 0.5));
  });

  it("never overflows with feedback 0.95 on full-scale noise", () => {
    const input = { sampleRate: SR, channels: [noise(SR * 10, 1, 1), noise(SR * 10, 1, 2)] };
    for (const ping_pong of [false, true]) {
      const out = applyEffect(delayEffect, input, { time_ms: 1, feedback: 0.95, mix: 1, ping_pong, tone_hz: 20_000 });
      expectFinite(out);
      // The loop gain 0.95 bounds the build-up at 1 / (1 − 0.95) = 20 times the input.
      expect(peakOf(out)).toBeLessThanOrEqual(20);
    }
  });

  it("is the identity at mix 0", () => {
    const input = { sampleRate: SR, channels: [noise(SR, 0.8, 9)] };
    const out = applyEffect(delayEffect, input, { mix: 0, feedback: 0.9 });
    expect(out.channels[0]!.every((v, i) => v === input.channels[0]![i])).toBe(true);
  });

  it("refuses a tempo without a note value, and times out of range", () => {
    expect(() => delayEffect.schema.parse({ type: "delay", bpm: 120 })).toThrow(/bpm and note/);
    expect(() => delayEffect.schema.parse({ type: "delay", note: "1/4" })).toThrow(/bpm and note/);
    expect(() => delayEffect.schema.parse({ type: "delay", time_ms: 5000 })).toThrow();
    expect(() => delayEffect.schema.parse({ type: "delay", feedback: 1 })).toThrow();
    expect(() => delayEffect.schema.parse({ type: "delay", note: "1/3", bpm: 120 })).toThrow();
  });
});
