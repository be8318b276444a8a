import { type AudioFormat } from "../types";
import { type Effect, type EffectType } from "./catalog";

/**
 * What each streaming effect costs, in milliseconds for 180 s of stereo 44.1 kHz (measured block by
 * block on one core of the benchmark machine). Only the ratios matter: they place the split.
 * Whole-signal effects run after the gathering, outside the pipeline, and cost nothing here.
 */
const STREAM_COST: Record<EffectType, (effect: Effect) => number> = {
  gain: () => 5,
  fade_in: () => 5,
  highpass: () => 35,
  lowpass: () => 35,
  eq: (e) => 35 * (e.type === "eq" ? e.bands.length : 1),
  compressor: () => 110,
  delay: () => 65,
  deesser: () => 240,
  chorus: () => 230,
  reverb: () => 260,
  normalize: () => 0,
  trim: () => 0,
  fade_out: () => 0,
  limiter: () => 0,
  pitch_shift: () => 0,
  time_stretch: () => 0,
  reverse: () => 0,
  channels: () => 0,
};

/** Decoding and copying into the gathered signal, on the same scale (from `studio convert` times). */
const DECODE_COST: Record<AudioFormat, number> = { wav: 120, flac: 550, mp3: 800 };

/**
 * Starting the worker until it runs its first block, in milliseconds: about 40 for the thread and
 * 60 for loading the effects and their schemas into it. Stage 2 starts that much later.
 */
const WORKER_START_MS = 100;

/** The least saving worth a second thread and the worker's own memory (about 20 MB). */
const MIN_SAVING_MS = 25;

const REFERENCE_FRAMES = 180 * 44_100;
const REFERENCE_CHANNELS = 2;

export type PipelineSignal = { format: AudioFormat; frames: number; channels: number };

/**
 * Where to cut the streaming effects between the decoding thread and a worker, or null to run them
 * all on one thread. Stage 1 (decoding, then effects [0, split)) and stage 2 (effects [split, n),
 * after the worker has started) run side by side, so a run takes about the longer of the two: the
 * split minimises that, and is taken only when it clearly beats one thread doing everything. So a short
 * file, or a chain whose costly effect comes first, stays on one thread; a single effect is not split.
 */
export function pipelineSplit(effects: readonly Effect[], signal: PipelineSignal): number | null {
  if (effects.length < 2) return null;
  const scale = (signal.frames / REFERENCE_FRAMES) * (signal.channels / REFERENCE_CHANNELS);
  const costs = effects.map((e) => STREAM_COST[e.type](e) * scale);
  const oneThread = DECODE_COST[signal.format] * scale + costs.reduce((a, b) => a + b, 0);
  let best: { split: number; ms: number } | null = null;
  let first = DECODE_COST[signal.format] * scale;
  for (let split = 1; split < effects.length; split++) {
    first += costs[split - 1]!;
    const ms = Math.max(first, WORKER_START_MS + oneThread - first);
    if (!best || ms < best.ms) best = { split, ms };
  }
  return best && best.ms <= oneThread - MIN_SAVING_MS ? best.split : null;
}
