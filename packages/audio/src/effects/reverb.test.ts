import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { noise, powerSpectrum, rms, sine, spectralCentroid } from "./pitch.test-support";
import { reverbEffect, ZReverbEffectSchema } from "./reverb";
import { createFft } from "./stretch-fft";
import { applyEffect, expectFinite, peakOf } from "./test-support";

const SR = 44_100;

function impulse(frames: number, channels = 2, sampleRate = SR): AudioBuffer {
  return {
    sampleRate,
    channels: Array.from({ length: channels }, () => {
      const ch = new Float32Array(frames);
      ch[0] = 1;
      return ch;
    }),
  };
}

/** Seconds until the tail's energy in 10 ms windows first stays 40 dB below its loudest window. */
function decayTime(x: Float32Array, sampleRate: number): number {
  const win = Math.round(sampleRate / 100);
  const levels: number[] = [];
  for (let i = 0; i + win <= x.length; i += win) levels.push(rms(x, i, i + win));
  const loudest = Math.max(...levels);
  let last = 0;
  levels.forEach((l, k) => {
    if (l > loudest / 100) last = k;
  });
  return ((last + 1) * win) / sampleRate;
}

/** Pink noise (Paul Kellet's refined filter over white noise), scaled to a 0 dBFS peak. */
function pinkNoise(frames: number, seed: number): Float32Array {
  const white = noise(frames, 1, seed);
  const out = new Float32Array(frames);
  let [b0, b1, b2, b3, b4, b5, b6] = [0, 0, 0, 0, 0, 0, 0];
  let peak = 0;
  for (let i = 0; i < frames; i++) {
    const w = white[i]!;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    peak = Math.max(peak, Math.abs(out[i]!));
  }
  for (let i = 0; i < frames; i++) out[i]! /= peak;
  return out;
}

/** The loudest a steady sine gets through `x`, an impulse response: max over frequency of |X(f)|. */
function peakGain(x: Float32Array, size: number): { gain: number; freqHz: number } {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(x.subarray(0, size));
  createFft(size).forward(re, im);
  let gain = 0;
  let bin = 0;
  for (let k = 0; k <= size / 2; k++) {
    const m = Math.hypot(re[k]!, im[k]!);
    if (m > gain) [gain, bin] = [m, k];
  }
  return { gain, freqHz: (bin * SR) / size };
}

const dbRatio = (out: Float32Array, input: Float32Array, from: number) => 20 * Math.log10(rms(out, from) / rms(input, from));

function firstNonZero(x: Float32Array, from = 1): number {
  for (let i = from; i < x.length; i++) if (Math.abs(x[i]!) > 1e-12) return i;
  return -1;
}

describe("reverb", () => {
  it("keeps full-scale white and pink noise and full-scale sines at or below 0 dBFS at the default settings", () => {
    const stereoNoise = { sampleRate: SR, channels: [noise(SR * 8, 1, 1), noise(SR * 8, 1, 2)] };
    const monoNoise = { sampleRate: SR, channels: [noise(SR * 8, 1, 3)] };
    const stereoPink = { sampleRate: SR, channels: [pinkNoise(SR * 8, 11), pinkNoise(SR * 8, 12)] };
    const monoPink = { sampleRate: SR, channels: [pinkNoise(SR * 8, 13)] };
    for (const input of [stereoNoise, monoNoise, stereoPink, monoPink]) expect(peakOf(applyEffect(reverbEffect, input, {}))).toBeLessThanOrEqual(1);
    // 2263 Hz and 1310.6 Hz are where the left and the right tail resonate most.
    for (const f of [55, 220, 440, 1000, 1310.58, 2263.34, 5000]) {
      expect(peakOf(applyEffect(reverbEffect, sine(f, SR, SR * 3, 1, 2), {}))).toBeLessThanOrEqual(1);
    }
  });

  it("never clips a full-scale sine at any frequency at the default settings", () => {
    // A steady sine comes out at most dry + |H(f)|, H the tail's response at the default wet: its
    // peak over frequency, from the impulse response, bounds every frequency at once.
    const { dry } = ZReverbEffectSchema.parse({ type: "reverb" });
    const size = 1 << 18;
    const responses = [...applyEffect(reverbEffect, impulse(size), { dry: 0 }).channels, applyEffect(reverbEffect, impulse(size, 1), { dry: 0 }).channels[0]!];
    for (const ir of responses) {
      const { gain, freqHz } = peakGain(ir, size);
      expect(dry + gain).toBeLessThan(0.98);
      expect(peakOf(applyEffect(reverbEffect, sine(freqHz, SR, SR * 3, 1, 2), {}))).toBeLessThanOrEqual(1);
    }
  });

  it("brings the tail of pink noise at wet 1, dry 0 within 6 dB of the input's level", () => {
    const left = pinkNoise(SR * 6, 21);
    const right = pinkNoise(SR * 6, 22);
    const stereo = applyEffect(reverbEffect, { sampleRate: SR, channels: [left, right] }, { wet: 1, dry: 0 });
    const mono = applyEffect(reverbEffect, { sampleRate: SR, channels: [left] }, { wet: 1, dry: 0 });
    // From 1 s on, once the tail has built up.
    for (const level of [dbRatio(stereo.channels[0]!, left, SR), dbRatio(stereo.channels[1]!, right, SR), dbRatio(mono.channels[0]!, left, SR)]) {
      expect(Math.abs(level)).toBeLessThan(6);
    }
  });

  it("gives the same output whatever the size of the blocks it is handed", () => {
    const input = { sampleRate: SR, channels: [noise(SR * 2, 0.5, 8), noise(SR * 2, 0.5, 9)] };
    const params = ZReverbEffectSchema.parse({ type: "reverb", pre_delay_ms: 13, width: 0.6 });
    const inBlocks = (sizes: number[]) => {
      const channels = input.channels.map((c) => c.slice());
      const process = reverbEffect.create(params, { sampleRate: SR, channels: 2 });
      for (let start = 0, k = 0; start < channels[0]!.length; k++) {
        const end = Math.min(channels[0]!.length, start + sizes[k % sizes.length]!);
        process(channels, start, end);
        start = end;
      }
      return channels;
    };
    const reference = inBlocks([4096]);
    // Tiny blocks, odd ones, and blocks longer than the chain ever sends.
    for (const sizes of [[1, 7, 300], [5000], [SR * 2]]) {
      const out = inBlocks(sizes);
      for (let c = 0; c < 2; c++) expect(out[c]!.every((v, i) => v === reference[c]![i])).toBe(true);
    }
  });

  it("stays finite at the most extreme settings, with full-scale noise", () => {
    const input = { sampleRate: SR, channels: [noise(SR * 4, 1, 4), noise(SR * 4, 1, 5)] };
    const out = applyEffect(reverbEffect, input, { room_size: 1, damping: 0, wet: 1, dry: 1, width: 1, pre_delay_ms: 200 });
    expectFinite(out);
    expect(peakOf(out)).toBeLessThan(10);
  });

  it("rings longer in a bigger room", () => {
    const small = applyEffect(reverbEffect, impulse(SR * 6), { room_size: 0.2, dry: 0, wet: 1 }).channels[0]!;
    const large = applyEffect(reverbEffect, impulse(SR * 6), { room_size: 0.9, dry: 0, wet: 1 }).channels[0]!;
    const tSmall = decayTime(small, SR);
    const tLarge = decayTime(large, SR);
    expect(tSmall).toBeGreaterThan(0.1);
    expect(tLarge).toBeGreaterThan(2 * tSmall);
  });

  it("darkens the tail with more damping", () => {
    const tail = (damping: number) => applyEffect(reverbEffect, impulse(SR * 2), { damping, dry: 0, wet: 1 }).channels[0]!;
    const centroid = (x: Float32Array) => spectralCentroid(powerSpectrum(x, SR / 2, 32_768), SR);
    expect(centroid(tail(1))).toBeLessThan(0.7 * centroid(tail(0)));
  });

  it("starts the tail after the first comb's delay plus the pre-delay, the same in ms at any rate", () => {
    for (const rate of [44_100, 96_000]) {
      const plain = applyEffect(reverbEffect, impulse(rate, 2, rate), { dry: 0 }).channels[0]!;
      const delayed = applyEffect(reverbEffect, impulse(rate, 2, rate), { dry: 0, pre_delay_ms: 100 }).channels[0]!;
      // Freeverb's shortest comb is 1116 samples at 44.1 kHz: 25.3 ms.
      expect((firstNonZero(plain) / rate) * 1000).toBeCloseTo(25.3, 0);
      expect(((firstNonZero(delayed) - firstNonZero(plain)) / rate) * 1000).toBeCloseTo(100, 1);
    }
  });

  it("gives a wide tail at width 1 and a mono tail at width 0", () => {
    const wide = applyEffect(reverbEffect, impulse(SR), { dry: 0, wet: 1, width: 1 });
    const narrow = applyEffect(reverbEffect, impulse(SR), { dry: 0, wet: 1, width: 0 });
    const correlation = (a: Float32Array, b: Float32Array) => {
      let ab = 0;
      for (let i = 0; i < a.length; i++) ab += a[i]! * b[i]!;
      return ab / (rms(a) * rms(b) * a.length);
    };
    expect(correlation(wide.channels[0]!, wide.channels[1]!)).toBeLessThan(0.5);
    expect(correlation(narrow.channels[0]!, narrow.channels[1]!)).toBeGreaterThan(0.999);
  });

  it("passes the signal untouched with wet 0 and dry 1", () => {
    const input = { sampleRate: SR, channels: [noise(SR, 0.5, 6), noise(SR, 0.5, 7)] };
    const out = applyEffect(reverbEffect, input, { wet: 0, dry: 1 });
    for (let c = 0; c < 2; c++) expect(out.channels[c]!.every((v, i) => v === input.channels[c]![i])).toBe(true);
  });

  it("keeps a mono file mono, with a tail, and leaves silence silent", () => {
    const out = applyEffect(reverbEffect, impulse(SR, 1), { dry: 0 });
    expect(out.channels).toHaveLength(1);
    expect(rms(out.channels[0]!, SR / 10, SR / 2)).toBeGreaterThan(1e-4);
    const silent = applyEffect(reverbEffect, { sampleRate: SR, channels: [new Float32Array(SR * 2)] }, { room_size: 1 });
    expect(peakOf(silent)).toBeLessThan(1e-15);
  });

  it("reverberates every pair of a four-channel file", () => {
    const out = applyEffect(reverbEffect, impulse(SR, 4), { dry: 0 });
    for (const ch of out.channels) expect(rms(ch, SR / 10, SR / 2)).toBeGreaterThan(1e-4);
  });

  it("refuses parameters out of range", () => {
    expect(() => reverbEffect.schema.parse({ type: "reverb", room_size: 1.5 })).toThrow();
    expect(() => reverbEffect.schema.parse({ type: "reverb", pre_delay_ms: 500 })).toThrow();
    expect(() => reverbEffect.schema.parse({ type: "reverb", wet: Number.NaN })).toThrow();
  });
});
