import { expect } from "vitest";
import { type AudioBuffer } from "../types";
import { runSteps } from "./chain";
import { type EffectDefinition } from "./define";

/** Parses `params` with the effect's own schema and runs it alone on a copy of `audio`. */
export function applyEffect(definition: EffectDefinition, audio: AudioBuffer, params: Record<string, unknown>): AudioBuffer {
  const parsed = definition.schema.parse({ type: definition.type, ...params }) as { type: string };
  const copy = { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.slice()) };
  return runSteps(copy, [{ definition, params: parsed }]);
}

export function expectFinite(audio: AudioBuffer): void {
  for (const ch of audio.channels) {
    for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i]!)) expect.fail(`sample ${i} is ${ch[i]}`);
  }
}

export function peakOf(audio: AudioBuffer): number {
  let peak = 0;
  for (const ch of audio.channels) for (let i = 0; i < ch.length; i++) peak = Math.max(peak, Math.abs(ch[i]!));
  return peak;
}
