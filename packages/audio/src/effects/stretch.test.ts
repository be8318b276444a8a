import { describe, expect, it } from "vitest";
import { type AudioBuffer } from "../types";
import { harmonicTone, noise, rms, sine, yinPitch } from "./pitch.test-support";
import { pitchShiftEffect, timeStretchEffect } from "./stretch";
import { applyEffect, expectFinite, peakOf } from "./test-support";

const SR = 44_100;

function mono(x: Float32Array, sampleRate = SR): AudioBuffer {
  return { sampleRate, channels: [x] };
}

function pitchOf(audio: AudioBuffer, channel = 0): number {
  return yinPitch(audio.channels[channel]!, audio.sampleRate, { minHz: 40, maxHz: 2000 });
}

/** Amplitude of `freqHz` in x[start, start + length), by quadrature demodulation. */
function toneAmplitude(x: Float32Array, sampleRate: number, freqHz: number, start: number, length: number): number {
  let c = 0;
  let s = 0;
  for (let i = start; i < start + length; i++) {
    const ph = (2 * Math.PI * freqHz * i) / sampleRate;
    c += x[i]! * Math.cos(ph);
    s += x[i]! * Math.sin(ph);
  }
  return (2 * Math.hypot(c, s)) / length;
}

/** Short noise bursts (5 ms decay) every `everySec` seconds, in silence. */
function clicks(seconds: number, everySec: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  const nz = noise(x.length, 0.8, 21);
  for (let t = everySec; t < seconds - 0.05; t += everySec) {
    const s = Math.round(t * SR);
    for (let i = 0; i < 2000; i++) x[s + i] = nz[s + i]! * Math.exp(-i / 220);
  }
  return x;
}

describe("pitch_shift", () => {
  it("raises a 220 Hz sine and a harmonic tone an octave at +12, to the frame the same length", () => {
    for (const input of [sine(220, SR, SR * 2, 0.5), mono(harmonicTone(220, SR, SR * 2))]) {
      const out = applyEffect(pitchShiftEffect, input, { semitones: 12 });
      expect(out.channels[0]!.length).toBe(input.channels[0]!.length);
      expect(Math.abs(pitchOf(out) / 440 - 1)).toBeLessThan(0.01);
    }
  });

  it("lowers them an octave at −12", () => {
    for (const input of [sine(220, SR, SR * 2, 0.5), mono(harmonicTone(220, SR, SR * 2))]) {
      const out = applyEffect(pitchShiftEffect, input, { semitones: -12 });
      expect(out.channels[0]!.length).toBe(input.channels[0]!.length);
      expect(Math.abs(pitchOf(out) / 110 - 1)).toBeLessThan(0.01);
    }
  });

  it("shifts by any interval, cents included, across the whole range", () => {
    const input = mono(harmonicTone(220, SR, SR * 2));
    for (const [semitones, cents] of [[7, 0], [-5, 0], [0, 50], [3, -30], [24, 0], [-24, 0]] as const) {
      const out = applyEffect(pitchShiftEffect, input, { semitones, cents });
      const expected = 220 * 2 ** (semitones / 12 + cents / 1200);
      expect(out.channels[0]!.length).toBe(input.channels[0]!.length);
      expectFinite(out);
      expect(Math.abs(pitchOf(out) / expected - 1)).toBeLessThan(0.01);
    }
  });

  it("keeps the level of a tone", () => {
    const input = sine(330, SR, SR * 2, 0.5);
    const out = applyEffect(pitchShiftEffect, input, { semitones: 5 }).channels[0]!;
    const db = 20 * Math.log10(rms(out, SR / 2, SR * 1.5) / rms(input.channels[0]!, SR / 2, SR * 1.5));
    expect(Math.abs(db)).toBeLessThan(0.2);
  });

  it("returns the input untouched at 0 semitones and 0 cents", () => {
    const input = sine(440, SR, 10_000, 0.5, 2);
    const out = pitchShiftEffect.apply(input, pitchShiftEffect.schema.parse({ type: "pitch_shift" }), () => {});
    expect(out).toBe(input);
  });
});

describe("time_stretch", () => {
  it("doubles the duration at rate 0.5 and keeps the pitch", () => {
    for (const input of [sine(220, SR, SR * 2, 0.5), mono(harmonicTone(220, SR, SR * 2))]) {
      const out = applyEffect(timeStretchEffect, input, { rate: 0.5 });
      expect(Math.abs(out.channels[0]!.length / (2 * SR * 2) - 1)).toBeLessThan(0.01);
      expect(Math.abs(pitchOf(out) / 220 - 1)).toBeLessThan(0.01);
    }
  });

  it("halves the duration at rate 2 and keeps the pitch", () => {
    for (const input of [sine(220, SR, SR * 2, 0.5), mono(harmonicTone(220, SR, SR * 2))]) {
      const out = applyEffect(timeStretchEffect, input, { rate: 2 });
      expect(Math.abs(out.channels[0]!.length / SR - 1)).toBeLessThan(0.01);
      expect(Math.abs(pitchOf(out) / 220 - 1)).toBeLessThan(0.01);
    }
  });

  it("gives round(frames / rate) frames at the extremes, finite", () => {
    const input = mono(harmonicTone(300, SR, 30_001));
    for (const rate of [0.25, 0.7, 1.3, 4]) {
      const out = applyEffect(timeStretchEffect, input, { rate });
      expect(out.channels[0]!.length).toBe(Math.round(30_001 / rate));
      expectFinite(out);
    }
  });

  it("keeps a sustained tone steady in level (no phasing dips)", () => {
    const out = applyEffect(timeStretchEffect, mono(harmonicTone(196, SR, SR * 3)), { rate: 0.8 }).channels[0]!;
    const levels: number[] = [];
    for (let i = SR / 2; i + 4410 < out.length - SR / 2; i += 2205) levels.push(toneAmplitude(out, SR, 196, i, 4410));
    expect(Math.max(...levels) / Math.min(...levels)).toBeLessThan(1.05);
  });

  it("keeps drum hits sharp: each attack rises within 6 ms, as in the original", () => {
    const input = clicks(3, 0.4);
    for (const rate of [0.5, 0.8, 2]) {
      const out = applyEffect(timeStretchEffect, mono(input), { rate }).channels[0]!;
      // 1 ms envelope; each hit's peak, and how long the envelope took to rise 30 dB to it.
      const env: number[] = [];
      for (let i = 0; i + 44 <= out.length; i += 44) env.push(rms(out, i, i + 44));
      const segment = Math.round((0.4 / rate) * 1000);
      let hits = 0;
      for (let a = Math.round(segment / 2); a + segment < env.length; a += segment) {
        let peakAt = a;
        for (let i = a; i < a + segment; i++) if (env[i]! > env[peakAt]!) peakAt = i;
        let from = peakAt;
        while (from > a && env[from]! > env[peakAt]! * 0.0316) from--;
        expect(peakAt - from).toBeLessThanOrEqual(6);
        hits++;
      }
      expect(hits).toBeGreaterThan(4);
    }
  });

  it("keeps a sustained tone unbroken through drum hits", () => {
    const input = clicks(3, 0.5);
    for (let i = 0; i < input.length; i++) input[i]! += 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR);
    const out = applyEffect(timeStretchEffect, mono(input), { rate: 0.8 }).channels[0]!;
    let min = Infinity;
    for (let i = SR / 10; i + 882 < out.length - SR / 10; i += 441) min = Math.min(min, toneAmplitude(out, SR, 440, i, 882));
    expect(min).toBeGreaterThan(0.3 * 0.9);
  });

  it("keeps stereo stereo, with the channels' timing and phase relation intact", () => {
    // Right = left delayed by 12 samples, on a harmonic tone with noise on top. The vocoder keeps
    // each frequency's phase difference between the channels: a stretch keeps the 12 samples, a
    // shift by p carries them to 12 / p (the same phase offsets, now at p times the frequency).
    const left = harmonicTone(247, SR, SR * 2, 0.4);
    const n = noise(SR * 2, 0.05, 5);
    for (let i = 0; i < left.length; i++) left[i]! += n[i]!;
    const right = new Float32Array(left.length);
    right.set(left.subarray(0, left.length - 12), 12);
    for (const [effect, params, lagAfter] of [[timeStretchEffect, { rate: 0.75 }, 12], [pitchShiftEffect, { semitones: 4 }, Math.round(12 / 2 ** (4 / 12))]] as const) {
      const out = applyEffect(effect, { sampleRate: SR, channels: [left, right] }, params);
      expect(out.channels).toHaveLength(2);
      const [l, r] = out.channels as [Float32Array, Float32Array];
      let bestLag = 0;
      let best = -Infinity;
      for (let lag = -40; lag <= 40; lag++) {
        let sum = 0;
        for (let i = SR / 2; i < SR; i++) sum += l[i]! * r[i + lag]!;
        if (sum > best) {
          best = sum;
          bestLag = lag;
        }
      }
      expect(bestLag).toBe(lagAfter);
    }
  });

  it("keeps identical channels identical", () => {
    const out = applyEffect(timeStretchEffect, sine(523, SR, SR, 0.5, 2), { rate: 1.5 });
    let diff = 0;
    for (let i = 0; i < out.channels[0]!.length; i++) diff = Math.max(diff, Math.abs(out.channels[0]![i]! - out.channels[1]![i]!));
    expect(diff).toBeLessThan(1e-6);
  });

  it("does not push a full-scale sine above 0 dBFS, and leaves quieter audio at its level", () => {
    for (const [effect, params] of [[timeStretchEffect, { rate: 1.1 }], [timeStretchEffect, { rate: 0.5 }], [pitchShiftEffect, { semitones: 7 }]] as const) {
      expect(peakOf(applyEffect(effect, sine(220, SR, SR, 1, 2), params))).toBeLessThanOrEqual(1);
    }
    const quiet = sine(220, SR, SR * 2, 0.25);
    const out = applyEffect(timeStretchEffect, quiet, { rate: 1.1 }).channels[0]!;
    expect(rms(out, SR / 2, SR)).toBeCloseTo(rms(quiet.channels[0]!, SR / 2, SR), 3);
  });

  it("copes with noise, silence, files shorter than a window, and other channel counts", () => {
    const cases: AudioBuffer[] = [
      { sampleRate: SR, channels: [noise(SR, 1, 1), noise(SR, 1, 2), noise(SR, 1, 3)] },
      { sampleRate: SR, channels: [new Float32Array(20_000)] },
      { sampleRate: 8000, channels: [noise(100, 0.5, 4)] },
      { sampleRate: 96_000, channels: [harmonicTone(110, 96_000, 50_000), harmonicTone(110, 96_000, 50_000)] },
    ];
    for (const input of cases) {
      for (const [effect, params] of [[timeStretchEffect, { rate: 0.3 }], [timeStretchEffect, { rate: 3.5 }], [pitchShiftEffect, { semitones: -19 }], [pitchShiftEffect, { semitones: 17, cents: 33 }]] as const) {
        const out = applyEffect(effect, input, params);
        expect(out.channels).toHaveLength(input.channels.length);
        expect(out.sampleRate).toBe(input.sampleRate);
        expectFinite(out);
      }
    }
    const silent = applyEffect(timeStretchEffect, cases[1]!, { rate: 0.5 });
    expect(peakOf(silent)).toBe(0);
  });

  it("reports progress up to 1 and returns rate 1 untouched", () => {
    const seen: number[] = [];
    timeStretchEffect.apply(sine(220, SR, SR * 3, 0.5), { type: "time_stretch", rate: 0.9 }, (f) => seen.push(f));
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
    const input = sine(220, SR, 1000, 0.5);
    expect(timeStretchEffect.apply(input, { type: "time_stretch", rate: 1 }, () => {})).toBe(input);
  });

  it("refuses rates and shifts out of range", () => {
    expect(() => timeStretchEffect.schema.parse({ type: "time_stretch", rate: 0.1 })).toThrow();
    expect(() => timeStretchEffect.schema.parse({ type: "time_stretch", rate: 5 })).toThrow();
    expect(() => pitchShiftEffect.schema.parse({ type: "pitch_shift", semitones: 25 })).toThrow();
    expect(() => pitchShiftEffect.schema.parse({ type: "pitch_shift", cents: 150 })).toThrow();
  });
});
