import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { sineTone } from "../wav/wav-encoder";
import { compressorEffect, deesserEffect, ZCompressorEffectSchema, ZDeesserEffectSchema } from "./dynamics";
import { applyEffect, expectFinite, peakOf } from "./test-support";

const SR = 44_100;

function rmsDb(x: Float32Array, fromS: number, toS: number, sampleRate = SR): number {
  const from = Math.round(fromS * sampleRate);
  const to = Math.round(toS * sampleRate);
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return 10 * Math.log10(sum / (to - from));
}

/** Amplitude of the `freqHz` component over [fromS, toS): a single-bin DFT. */
function toneAmplitude(x: Float32Array, freqHz: number, fromS: number, toS: number): number {
  const from = Math.round(fromS * SR);
  const to = Math.round(toS * SR);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const phase = (2 * Math.PI * freqHz * i) / SR;
    re += x[i]! * Math.cos(phase);
    im += x[i]! * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function signal(seconds: number, channels: number, sample: (i: number, c: number) => number, sampleRate = SR): AudioBuffer {
  const frames = Math.round(seconds * sampleRate);
  return {
    sampleRate,
    channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => sample(i, c))),
  };
}

function noise(seconds: number, channels: number, amplitude = 1, sampleRate = SR): AudioBuffer {
  let seed = 987654321;
  return signal(
    seconds,
    channels,
    () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return amplitude * (2 * (seed / 2 ** 32) - 1);
    },
    sampleRate,
  );
}

const dbToAmp = (db: number) => 10 ** (db / 20);

function sameSamples(a: AudioBuffer, b: AudioBuffer): boolean {
  return a.channels.every((ch, c) => ch.every((v, i) => v === b.channels[c]![i]));
}

function runWhole(definition: typeof compressorEffect | typeof deesserEffect, audio: AudioBuffer, params: Record<string, unknown>): AudioBuffer {
  const parsed = definition.schema.parse({ type: definition.type, ...params });
  const channels = audio.channels.map((c) => c.slice());
  // One call over the whole signal, unlike the chain's 4096-frame blocks.
  (definition.create as (p: unknown, f: { sampleRate: number; channels: number }) => (ch: Float32Array[], s: number, e: number) => void)(parsed, {
    sampleRate: audio.sampleRate,
    channels: channels.length,
  })(channels, 0, channels[0]!.length);
  return { sampleRate: audio.sampleRate, channels };
}

describe("compressor", () => {
  it("a steady sine 12 dB over the threshold at 3:1 comes out 8 dB quieter (hard and default soft knee)", () => {
    const tone = sineTone({ seconds: 2, freqHz: 1000, amplitude: dbToAmp(-6) });
    for (const knee_db of [0, 6]) {
      const out = applyEffect(compressorEffect, tone, { threshold_db: -18, ratio: 3, knee_db });
      const change = rmsDb(out.channels[0]!, 1, 2) - rmsDb(tone.channels[0]!, 1, 2);
      expect(Math.abs(change + 8)).toBeLessThan(0.5);
    }
  });

  it("follows the ratio: 24 dB over at 20:1 is 22.8 dB quieter", () => {
    const tone = sineTone({ seconds: 2, freqHz: 440, amplitude: dbToAmp(-6) });
    const out = applyEffect(compressorEffect, tone, { threshold_db: -30, ratio: 20, knee_db: 0 });
    expect(Math.abs(rmsDb(out.channels[0]!, 1, 2) - rmsDb(tone.channels[0]!, 1, 2) + 22.8)).toBeLessThan(0.5);
  });

  it("leaves a signal below the threshold (and its knee) untouched", () => {
    const tone = sineTone({ seconds: 1, freqHz: 1000, amplitude: dbToAmp(-30) });
    expect(sameSamples(applyEffect(compressorEffect, tone, {}), tone)).toBe(true);
  });

  it("the soft knee starts compressing half a knee below the threshold: a quarter-knee of reduction at the threshold", () => {
    const tone = sineTone({ seconds: 2, freqHz: 1000, amplitude: dbToAmp(-18) });
    const out = applyEffect(compressorEffect, tone, { threshold_db: -18, ratio: 3, knee_db: 12 });
    // slope·(W/2)²/(2W) = (2/3)·36/24 = 1 dB.
    expect(Math.abs(rmsDb(out.channels[0]!, 1, 2) - rmsDb(tone.channels[0]!, 1, 2) + 1)).toBeLessThan(0.2);
  });

  it("attack and release: 63 % of the reduction within the attack time, and most of it gone after the release time", () => {
    const t0 = 0.2;
    const t1 = 1.0;
    const loud = 0.5;
    const quiet = 0.01;
    const audio = signal(2, 1, (i) => (i >= t0 * SR && i < t1 * SR ? loud : quiet));
    const out = applyEffect(compressorEffect, audio, { threshold_db: -18, ratio: 3, knee_db: 0, attack_ms: 10, release_ms: 100 });
    const reductionAt = (s: number) => -20 * Math.log10(out.channels[0]![Math.round(s * SR)]! / audio.channels[0]![Math.round(s * SR)]!);
    const full = (1 - 1 / 3) * (20 * Math.log10(loud) + 18);
    expect(Math.abs(reductionAt(t0 - 0.01))).toBeLessThan(1e-9);
    expect(reductionAt(t0 + 0.01) / full).toBeGreaterThan(0.55);
    expect(reductionAt(t0 + 0.01) / full).toBeLessThan(0.7);
    expect(Math.abs(reductionAt(t1 - 0.01) - full)).toBeLessThan(0.05);
    // The release is exponential in dB, lagged by the attack smoothing: e^(−1) = 0.37 plus a little.
    expect(reductionAt(t1 + 0.1) / full).toBeGreaterThan(0.3);
    expect(reductionAt(t1 + 0.1) / full).toBeLessThan(0.45);
    expect(reductionAt(t1 + 0.8)).toBeLessThan(0.01);
  });

  it("is stereo-linked: a quiet channel gets the loud channel's gain", () => {
    const audio = signal(1.5, 2, (i, c) => (c === 0 ? 0.5 : 0.05) * Math.sin((2 * Math.PI * 500 * i) / SR));
    const out = applyEffect(compressorEffect, audio, {});
    const left = rmsDb(out.channels[0]!, 1, 1.5) - rmsDb(audio.channels[0]!, 1, 1.5);
    const right = rmsDb(out.channels[1]!, 1, 1.5) - rmsDb(audio.channels[1]!, 1, 1.5);
    expect(left).toBeLessThan(-5);
    expect(Math.abs(left - right)).toBeLessThan(0.01);
  });

  it("links every channel of a multichannel file, and treats a mono file like the same signal on both sides", () => {
    const loud = (i: number) => 0.5 * Math.sin((2 * Math.PI * 500 * i) / SR);
    const surround = signal(1.5, 3, (i, c) => (c === 1 ? 1 : 0.1) * loud(i));
    const out = applyEffect(compressorEffect, surround, {});
    const change = (c: number) => rmsDb(out.channels[c]!, 1, 1.5) - rmsDb(surround.channels[c]!, 1, 1.5);
    expect(change(1)).toBeLessThan(-5);
    expect(Math.abs(change(0) - change(1))).toBeLessThan(0.01);
    expect(Math.abs(change(2) - change(1))).toBeLessThan(0.01);
    const mono = applyEffect(compressorEffect, signal(1.5, 1, loud), {});
    const pair = applyEffect(compressorEffect, signal(1.5, 2, loud), {});
    expect(sameSamples(mono, { sampleRate: SR, channels: [pair.channels[0]!] })).toBe(true);
    expect(sameSamples(pair, { sampleRate: SR, channels: [pair.channels[1]!, pair.channels[0]!] })).toBe(true);
  });

  it("adds makeup gain, and auto_makeup brings a steady full-scale sine back to full scale", () => {
    const quietTone = sineTone({ seconds: 1, freqHz: 1000, amplitude: dbToAmp(-40) });
    const boosted = applyEffect(compressorEffect, quietTone, { makeup_db: 6 });
    expect(Math.abs(rmsDb(boosted.channels[0]!, 0.5, 1) - rmsDb(quietTone.channels[0]!, 0.5, 1) - 6)).toBeLessThan(0.01);
    const full = sineTone({ seconds: 2, freqHz: 1000, amplitude: 1 });
    const out = applyEffect(compressorEffect, full, { auto_makeup: true });
    const settled = { sampleRate: SR, channels: out.channels.map((c) => c.subarray(SR)) };
    expect(Math.abs(20 * Math.log10(peakOf(settled)))).toBeLessThan(0.5);
  });

  it("does not clip a full-scale sine or full-scale noise with default parameters", () => {
    expect(peakOf(applyEffect(compressorEffect, sineTone({ seconds: 1, freqHz: 100, amplitude: 1 }), {}))).toBeLessThanOrEqual(1);
    expect(peakOf(applyEffect(compressorEffect, noise(1, 2), {}))).toBeLessThanOrEqual(1);
  });

  it("stays finite on silence, full-scale noise at extreme settings, subnormal and huge inputs", () => {
    const extremes = [
      { threshold_db: -60, ratio: 20, knee_db: 24, attack_ms: 0.1, release_ms: 5, makeup_db: 24, auto_makeup: true },
      { threshold_db: 0, ratio: 1, knee_db: 0, attack_ms: 200, release_ms: 2000, makeup_db: -12 },
    ];
    const inputs = [signal(0.5, 2, () => 0), noise(0.5, 2), signal(0.5, 2, (i) => (i % 2 ? 1e-40 : -1e-41)), signal(0.5, 1, (i) => (i % 100 < 50 ? 1e30 : -3e38))];
    for (const params of [{}, ...extremes]) for (const input of inputs) expectFinite(applyEffect(compressorEffect, input, params));
    expect(peakOf(applyEffect(compressorEffect, signal(0.5, 2, () => 0), extremes[0]!))).toBe(0);
  });

  it("gives the same output block by block through the chain as in one call", () => {
    const input = signal(1.2, 2, (i, c) => Math.sin(i / (30 + c)) * (0.2 + 0.8 * Math.abs(Math.sin(i / 5000))));
    expect(sameSamples(applyEffect(compressorEffect, input, { attack_ms: 1 }), runWhole(compressorEffect, input, { attack_ms: 1 }))).toBe(true);
  });

  it("has the defaults a musician expects and refuses values out of range", () => {
    expect(ZCompressorEffectSchema.parse({ type: "compressor" })).toEqual({
      type: "compressor",
      threshold_db: -18,
      ratio: 3,
      knee_db: 6,
      attack_ms: 10,
      release_ms: 100,
      makeup_db: 0,
      auto_makeup: false,
    });
    for (const bad of [{ ratio: 0.5 }, { threshold_db: 3 }, { attack_ms: 0 }, { release_ms: 1 }, { knee_db: 30 }, { makeup_db: 30 }]) {
      expect(ZCompressorEffectSchema.safeParse({ type: "compressor", ...bad }).success).toBe(false);
    }
  });
});

describe("deesser", () => {
  const burstFrom = 0.5;
  const burstTo = 1.0;
  const tonePlusBurst = signal(2.5, 2, (i) => {
    const t = i / SR;
    const burst = t >= burstFrom && t < burstTo ? 0.25 * Math.sin(2 * Math.PI * 7000 * t) : 0;
    return 0.5 * Math.sin(2 * Math.PI * 300 * t) + burst;
  });

  it("turns a 7 kHz burst down by several dB and leaves the 300 Hz tone under it alone", () => {
    const out = applyEffect(deesserEffect, tonePlusBurst, {});
    for (let c = 0; c < 2; c++) {
      const hissIn = toneAmplitude(tonePlusBurst.channels[c]!, 7000, 0.6, 0.95);
      const hissOut = toneAmplitude(out.channels[c]!, 7000, 0.6, 0.95);
      expect(20 * Math.log10(hissOut / hissIn)).toBeLessThan(-4);
      const bassIn = toneAmplitude(tonePlusBurst.channels[c]!, 300, 0.6, 0.95);
      const bassOut = toneAmplitude(out.channels[c]!, 300, 0.6, 0.95);
      expect(Math.abs(20 * Math.log10(bassOut / bassIn))).toBeLessThan(0.5);
    }
  });

  it("never turns the high band down by more than range_db", () => {
    const hiss = sineTone({ seconds: 1, freqHz: 12_000, amplitude: 0.5 });
    for (const range_db of [3, 8, 24]) {
      const out = applyEffect(deesserEffect, hiss, { range_db, threshold_db: -60, ratio: 20 });
      const change = rmsDb(out.channels[0]!, 0.5, 1) - rmsDb(hiss.channels[0]!, 0.5, 1);
      expect(change).toBeGreaterThan(-range_db - 0.05);
      expect(change).toBeLessThan(-range_db * 0.7);
    }
  });

  it("leaves a full-scale 300 Hz tone alone within 0.5 dB", () => {
    const tone = sineTone({ seconds: 1, freqHz: 300, amplitude: 1 });
    const out = applyEffect(deesserEffect, tone, {});
    expect(Math.abs(rmsDb(out.channels[0]!, 0.1, 1) - rmsDb(tone.channels[0]!, 0.1, 1))).toBeLessThan(0.5);
  });

  it("lets go after the sibilance: a second after the burst the signal is the input again, bit for bit", () => {
    const out = applyEffect(deesserEffect, tonePlusBurst, {});
    const tail = (a: AudioBuffer) => ({ sampleRate: SR, channels: a.channels.map((c) => c.subarray(Math.round((burstTo + 1) * SR))) });
    expect(sameSamples(tail(out), tail(tonePlusBurst))).toBe(true);
  });

  it("does not clip a full-scale sine or full-scale noise with default parameters", () => {
    expect(peakOf(applyEffect(deesserEffect, sineTone({ seconds: 1, freqHz: 7000, amplitude: 1 }), {}))).toBeLessThanOrEqual(1);
    expect(peakOf(applyEffect(deesserEffect, noise(1, 2), {}))).toBeLessThanOrEqual(1);
  });

  it("stays finite at extreme settings, at a low sample rate, on subnormal input", () => {
    const extreme = { freq_hz: 12_000, threshold_db: -60, ratio: 20, range_db: 24 };
    expectFinite(applyEffect(deesserEffect, noise(0.5, 2, 1, 22_050), extreme));
    expectFinite(applyEffect(deesserEffect, signal(0.5, 1, (i) => (i % 3 ? 1e-40 : 0)), extreme));
    expectFinite(applyEffect(deesserEffect, noise(0.5, 6), { freq_hz: 2000 }));
  });

  it("gives the same output block by block through the chain as in one call", () => {
    expect(sameSamples(applyEffect(deesserEffect, tonePlusBurst, {}), runWhole(deesserEffect, tonePlusBurst, {}))).toBe(true);
  });

  it("has documented defaults and refuses values out of range", () => {
    expect(ZDeesserEffectSchema.parse({ type: "deesser" })).toEqual({ type: "deesser", freq_hz: 6500, threshold_db: -30, ratio: 4, range_db: 8 });
    for (const bad of [{ freq_hz: 1000 }, { freq_hz: 15_000 }, { range_db: 30 }, { ratio: 0 }]) {
      expect(ZDeesserEffectSchema.safeParse({ type: "deesser", ...bad }).success).toBe(false);
    }
  });
});
