import { describe, expect, it } from "vitest";
import { analyzeAudio } from "../analysis/analyze";
import { type AudioBuffer } from "../types";
import { runEffectChain } from "./catalog";
import { effectPreset, EffectChainError, resolveEffectChain } from "./presets";
import { EFFECT_PRESET_NAMES } from "./preset-names";
import { expectFinite, peakOf } from "./test-support";

const RATE = 44_100;

/** Two seconds of full-scale material: a sine chord, then white noise, both touching 0 dBFS. */
function fullScale(): AudioBuffer {
  const frames = 2 * RATE;
  const channels = [new Float32Array(frames), new Float32Array(frames)];
  let seed = 1;
  for (let i = 0; i < frames; i++) {
    const chord = (Math.sin((2 * Math.PI * 220 * i) / RATE) + Math.sin((2 * Math.PI * 277.2 * i) / RATE) + Math.sin((2 * Math.PI * 329.6 * i) / RATE)) / 3;
    seed = (seed * 1664525 + 1013904223) >>> 0;
    const noise = seed / 2 ** 31 - 1;
    for (const ch of channels) ch[i] = i < frames / 2 ? chord : noise;
  }
  const peak = Math.max(peakOf({ sampleRate: RATE, channels }), 1e-9);
  for (const ch of channels) for (let i = 0; i < frames; i++) ch[i]! /= peak;
  return { sampleRate: RATE, channels };
}

describe("presets", () => {
  it.each(EFFECT_PRESET_NAMES)("%s never clips a 0 dBFS input and gives no NaN", (name) => {
    const out = runEffectChain(fullScale(), effectPreset(name));
    expectFinite(out);
    expect(peakOf(out)).toBeLessThanOrEqual(1);
  });

  it("hits the loudness that radio and podcast promise", () => {
    const quiet = fullScale();
    for (const ch of quiet.channels) for (let i = 0; i < ch.length; i++) ch[i]! *= 0.1;
    expect(analyzeAudio(runEffectChain(quiet, effectPreset("radio"))).integratedLufs).toBeCloseTo(-14, 0);
    const again = fullScale();
    for (const ch of again.channels) for (let i = 0; i < ch.length; i++) ch[i]! *= 0.1;
    expect(analyzeAudio(runEffectChain(again, effectPreset("podcast"))).integratedLufs).toBeCloseTo(-16, 0);
  });

  it("resolves a preset by name, a JSON chain, and refuses anything else clearly", () => {
    expect(resolveEffectChain("hall")).toBe(effectPreset("hall"));
    expect(resolveEffectChain('[{"type":"gain","db":-3}]')).toEqual([{ type: "gain", db: -3 }]);
    expect(() => resolveEffectChain("cathedral")).toThrow(EffectChainError);
    expect(() => resolveEffectChain("[]")).toThrow(/at least one effect/);
    expect(() => resolveEffectChain(JSON.stringify(Array.from({ length: 1000 }, () => ({ type: "gain", db: 0 }))))).toThrow(/at most 32/);
    expect(() => resolveEffectChain('[{"type":"reverb","room_size":2}]')).toThrow(/room_size/);
    expect(() => resolveEffectChain('[{"type":"gain","db":null}]')).toThrow(/db/);
  });
});
