import { ChainStage } from "../off-thread/chain-stage";
import { type AudioStream } from "../stream/open-audio-stream";
import { BlockGatherer, sharedPlanar } from "../stream/gather";
import { type AudioBuffer } from "../types";
import { processBlock, runSteps, type ChainStep } from "./chain";
import { chainSteps, type Effect } from "./catalog";
import { type BlockProcessor, type Progress } from "./define";
import { gainForPeak, type NormalizeParams } from "./normalize";
import { pipelineSplit } from "./pipeline-split";

/** Receives the result block by block, in order; the block is reused once the promise settles. */
export type BlockSink = (channels: Float32Array[], start: number, end: number) => void | Promise<void>;

export type RenderOptions = {
  onProgress?: Progress;
  /** How much of the source has been read, 0..1 (e.g. bytes of a file), for progress while decoding. */
  sourceFraction?: () => number;
  /**
   * Whether the streaming effects before the first whole-signal effect may run as two stages on two
   * threads: "auto" when `pipelineSplit` says it pays, "never", or `{ split }` to cut before that
   * effect of the chain whenever the file declares its length (for tests and measurements). The
   * result is the same, sample for sample, either way.
   */
  pipeline?: "auto" | "never" | { split: number };
  /**
   * Where a chain that ends in a sample-peak normalize may park its processed signal between
   * measuring the peak and applying the gain, instead of holding it in memory (the CLI gives a
   * temporary file). The chain then streams on one thread, memory stays a few blocks whatever the
   * file's length, and the result is the same sample for sample. Where the system maps fresh pages
   * in slowly this is also faster: on the VMs measured (12 µs a page, against a quarter of a
   * millisecond for writing a megabyte to the page cache), holding a 3-minute song cost 0.15–0.2 s
   * of a 1 s render.
   */
  spill?: SpillStore;
};

/** Bytes written in order and read back by position, synchronously (the file system's cache does the rest). */
export type SpillStore = {
  write(bytes: Uint8Array): void;
  /** Fills `into` from byte `position`; returns the bytes read. */
  read(into: Uint8Array, position: number): number;
};

/** Blocks handed to the sink after a whole-signal effect: large enough for few writes, small enough to stay cheap. */
const OUTPUT_FRAMES = 1 << 18;

/**
 * Runs a chain from a decoded stream to a sink, holding as little of the signal as the chain
 * allows. The streaming effects before the first whole-signal effect run on each block as it is
 * decoded. A chain of streaming effects only never holds the signal; otherwise the signal is
 * gathered once, after those effects, for the rest of the chain. When that prefix is costly and
 * the file long, it runs as two stages on two threads (`pipelineSplit` says where to cut). Returns
 * the frames written.
 */
export async function renderEffectChain(stream: AudioStream, chain: readonly Effect[], sink: BlockSink, opts: RenderOptions = {}): Promise<number> {
  const { onProgress = () => {}, sourceFraction = () => 0, pipeline = "auto" } = opts;
  const steps = chainSteps(chain);
  const firstWhole = steps.findIndex((s) => s.definition.kind === "whole");
  const prefix = firstWhole === -1 ? steps : steps.slice(0, firstWhole);
  const rest = firstWhole === -1 ? [] : steps.slice(firstWhole);
  const format = { sampleRate: stream.info.sampleRate, channels: stream.info.channels };
  // Progress shares: decoding with the streaming prefix, then the rest of the chain, then output.
  const streamShare = rest.length === 0 ? 1 : (1 + prefix.length) / (2 + steps.length);
  const restShare = rest.length === 0 ? 0 : (rest.length / (1 + rest.length)) * (1 - streamShare);
  const create = ({ definition, params }: ChainStep) => (definition.kind === "stream" ? definition.create(params, format) : unreachable());
  const peakTail = rest.length === 1 ? sampleNormalize(rest[0]!) : null;
  if (opts.spill && peakTail) return renderThroughSpill(stream, prefix.map(create), peakTail, sink, opts.spill, onProgress, sourceFraction);
  // Two threads need a declared length (one shared signal), a whole-signal tail to gather for, and
  // the worker's entry in this build.
  const canSplit = pipeline !== "never" && rest.length > 0 && stream.info.frames !== null && ChainStage.available();
  const split = canSplit ? chooseSplit(prefix, stream, pipeline) : null;
  const processors = (split === null ? prefix : prefix.slice(0, split)).map(create);
  const stage = split === null ? null : startStage(prefix.slice(split), stream);

  if (rest.length === 0) {
    let frames = 0;
    for await (const block of stream.blocks) {
      const n = block[0]!.length;
      processBlock(processors, block, n);
      await sink(block, 0, n);
      frames += n;
      onProgress(streamShare * sourceFraction());
    }
    onProgress(1);
    return frames;
  }

  let gatheredAudio: AudioBuffer;
  if (stage) {
    gatheredAudio = await renderPipelined(stream, processors, stage, (f) => onProgress(streamShare * f), sourceFraction);
  } else {
    const gathered = new BlockGatherer(stream.info.channels, stream.info.frames);
    for await (const block of stream.blocks) {
      const n = block[0]!.length;
      processBlock(processors, block, n);
      gathered.add(block);
      onProgress(streamShare * sourceFraction());
    }
    gatheredAudio = gathered.audio(stream.info.sampleRate);
  }
  const audio = runSteps(gatheredAudio, rest, (f) => onProgress(streamShare + restShare * f));
  const frames = audio.channels[0]?.length ?? 0;
  const outputStart = streamShare + restShare;
  for (let start = 0; start < frames; start += OUTPUT_FRAMES) {
    const end = Math.min(frames, start + OUTPUT_FRAMES);
    await sink(audio.channels, start, end);
    onProgress(outputStart + (1 - outputStart) * (end / frames));
  }
  onProgress(1);
  return frames;
}

/** The parameters of a normalize to a sample peak: a gain from one number that streaming can measure. */
function sampleNormalize({ definition, params }: ChainStep): NormalizeParams | null {
  if (definition.type !== "normalize") return null;
  const normalize = params as NormalizeParams;
  return normalize.mode === "peak" && !normalize.true_peak ? normalize : null;
}

/**
 * A streaming chain then a sample-peak normalize, holding a few blocks: each processed block goes
 * to the spill store as it is made, while the peak is measured; then the blocks come back, get the
 * gain (`x *= gain` in float32, as `normalizeAudio` applies it) and go to the sink.
 */
async function renderThroughSpill(
  stream: AudioStream,
  processors: BlockProcessor[],
  normalize: NormalizeParams,
  sink: BlockSink,
  spill: SpillStore,
  onProgress: Progress,
  sourceFraction: () => number,
): Promise<number> {
  const sizes: number[] = [];
  let frames = 0;
  let largest = 0;
  let peak = 0;
  for await (const block of stream.blocks) {
    const n = block[0]!.length;
    processBlock(processors, block, n);
    for (const x of block) {
      peak = peakOf(x, n, peak);
      spill.write(new Uint8Array(x.buffer, x.byteOffset, n * 4));
    }
    sizes.push(n);
    frames += n;
    largest = Math.max(largest, n);
    onProgress(0.5 * sourceFraction());
  }
  const gain = gainForPeak(peak, normalize);
  const buffer = new Float32Array(stream.info.channels * largest);
  let position = 0;
  let written = 0;
  for (const n of sizes) {
    const bytes = new Uint8Array(buffer.buffer, 0, stream.info.channels * n * 4);
    if (spill.read(bytes, position) !== bytes.length) throw new Error("the spilled signal came back short");
    position += bytes.length;
    const channels = Array.from({ length: stream.info.channels }, (_, c) => buffer.subarray(c * n, (c + 1) * n));
    if (gain !== 1) for (const x of channels) scale(x, n, gain);
    await sink(channels, 0, n);
    written += n;
    onProgress(0.5 + 0.5 * (written / frames));
  }
  onProgress(1);
  return frames;
}

// The loops over every sample sit in functions of their own: V8 optimizes a function called once
// per block after a few blocks, while a loop inside the long-running render would run on-stack
// replaced code that deoptimizes at every exit (measured, profiled: 58 ms against 34 for a 3-minute song).

/** The larger of `peak` and the largest |x| over x[0, n), as `samplePeak` compares. */
function peakOf(x: Float32Array, n: number, peak: number): number {
  let best = peak;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[i]!);
    if (a > best) best = a;
  }
  return best;
}

function scale(x: Float32Array, n: number, gain: number): void {
  for (let i = 0; i < n; i++) x[i]! *= gain;
}

function chooseSplit(prefix: ChainStep[], stream: AudioStream, pipeline: Exclude<RenderOptions["pipeline"], "never" | undefined>): number | null {
  if (pipeline !== "auto") return pipeline.split > 0 && pipeline.split < prefix.length ? pipeline.split : null;
  const effects = prefix.map((s) => s.params as Effect);
  return pipelineSplit(effects, { format: stream.info.container, frames: stream.info.frames!, channels: stream.info.channels });
}

function startStage(later: ChainStep[], stream: AudioStream): { stage: ChainStage; channels: Float32Array[] } {
  const { channels: channelCount, sampleRate } = stream.info;
  const frames = stream.info.frames!;
  const { buffer, channels } = sharedPlanar(channelCount, frames);
  const stage = ChainStage.start({ signal: buffer, channels: channelCount, frames, sampleRate, effects: later.map((s) => s.params as Effect) });
  return { stage, channels };
}

/**
 * The streaming effects as two stages: this thread decodes into the gathered signal and runs the
 * first effects on each decoded block, in place; a worker follows block by block with the others.
 * Both cut each block into the same pieces as `processBlock`, so every effect sees exactly what it
 * sees on one thread. The stream declared its length and verifies it, so the signal is allocated once.
 */
async function renderPipelined(
  stream: AudioStream,
  processors: BlockProcessor[],
  { stage, channels }: { stage: ChainStage; channels: Float32Array[] },
  onProgress: Progress,
  sourceFraction: () => number,
): Promise<AudioBuffer> {
  try {
    let written = 0;
    for await (const block of stream.blocks) {
      if (stage.failure) throw stage.failure;
      const n = block[0]!.length;
      for (let ch = 0; ch < channels.length; ch++) channels[ch]!.set(block[ch]!.subarray(0, n), written);
      processBlock(processors, channels, n, written);
      written += n;
      await stage.publish(written);
      onProgress((sourceFraction() + stage.fraction()) / 2);
    }
    await stage.end();
    return { sampleRate: stream.info.sampleRate, channels };
  } catch (error) {
    stage.stop();
    throw error;
  }
}

function unreachable(): never {
  throw new Error("unreachable: the streaming prefix holds streaming effects only");
}
