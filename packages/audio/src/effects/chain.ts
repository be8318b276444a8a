import { type AudioBuffer } from "../types";
import { type BlockProcessor, type EffectDefinition, type Progress } from "./define";

/** Frames per block for streaming effects: small enough to stay in L2 with a few channels. */
export const BLOCK_FRAMES = 4096;

export type ChainStep = { definition: EffectDefinition; params: { type: string } };

/**
 * Runs steps in order over `audio`, which it takes over (streaming effects work in place).
 * Consecutive streaming effects run together block by block; each whole-signal effect runs alone.
 * Progress advances by equal shares per step, and within a step by frames done.
 */
export function runSteps(audio: AudioBuffer, steps: ChainStep[], onProgress: Progress = () => {}): AudioBuffer {
  let current = audio;
  let done = 0;
  const share = 1 / Math.max(1, steps.length);
  let i = 0;
  while (i < steps.length) {
    const step = steps[i]!;
    if (step.definition.kind === "whole") {
      const base = done;
      current = step.definition.apply(current, step.params, (f) => onProgress(base + clamp01(f) * share));
      done += share;
      i++;
      continue;
    }
    let j = i;
    const processors: BlockProcessor[] = [];
    const format = { sampleRate: current.sampleRate, channels: current.channels.length };
    while (j < steps.length && steps[j]!.definition.kind === "stream") {
      const { definition, params } = steps[j]!;
      if (definition.kind === "stream") processors.push(definition.create(params, format));
      j++;
    }
    const groupShare = share * (j - i);
    runBlocks(current.channels, processors, (f) => onProgress(done + f * groupShare));
    done += groupShare;
    i = j;
  }
  onProgress(1);
  return current;
}

/**
 * Runs the processors over `frames` frames of `block` from `at`, cut into cache-sized pieces from
 * `at`: a decoded block may be large. Where the pieces fall is part of the result (an effect may
 * update its state once per piece), so both threads of a pipelined chain cut the same way.
 */
export function processBlock(processors: BlockProcessor[], block: Float32Array[], frames: number, at = 0): void {
  if (processors.length === 0) return;
  for (let start = at; start < at + frames; start += BLOCK_FRAMES) {
    const end = Math.min(at + frames, start + BLOCK_FRAMES);
    for (const process of processors) process(block, start, end);
  }
}

function runBlocks(channels: Float32Array[], processors: BlockProcessor[], onProgress: Progress): void {
  const frames = channels[0]?.length ?? 0;
  // About a hundred progress calls per run, whatever its length.
  const reportEvery = Math.max(BLOCK_FRAMES, Math.ceil(frames / 100 / BLOCK_FRAMES) * BLOCK_FRAMES);
  for (let start = 0; start < frames; start += BLOCK_FRAMES) {
    const end = Math.min(frames, start + BLOCK_FRAMES);
    for (const process of processors) process(channels, start, end);
    if (end % reportEvery === 0 || end === frames) onProgress(end / frames);
  }
}

function clamp01(x: number): number {
  return x <= 0 || !Number.isFinite(x) ? 0 : x >= 1 ? 1 : x;
}
