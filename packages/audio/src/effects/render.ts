import { type AudioStream } from "../stream/open-audio-stream";
import { BlockGatherer } from "../stream/gather";
import { BLOCK_FRAMES, runSteps } from "./chain";
import { chainSteps, type Effect } from "./catalog";
import { type BlockProcessor, type Progress } from "./define";

/** Receives the result block by block, in order; the block is reused once the promise settles. */
export type BlockSink = (channels: Float32Array[], start: number, end: number) => void | Promise<void>;

export type RenderOptions = {
  onProgress?: Progress;
  /** How much of the source has been read, 0..1 (e.g. bytes of a file), for progress while decoding. */
  sourceFraction?: () => number;
};

/** Blocks handed to the sink after a whole-signal effect: large enough for few writes, small enough to stay cheap. */
const OUTPUT_FRAMES = 1 << 18;

/**
 * Runs a chain from a decoded stream to a sink, holding as little of the signal as the chain
 * allows. The streaming effects before the first whole-signal effect run on each block as it is
 * decoded. A chain of streaming effects only never holds the signal; otherwise the signal is
 * gathered once, after those effects, for the rest of the chain. Returns the frames written.
 */
export async function renderEffectChain(stream: AudioStream, chain: readonly Effect[], sink: BlockSink, opts: RenderOptions = {}): Promise<number> {
  const { onProgress = () => {}, sourceFraction = () => 0 } = opts;
  const steps = chainSteps(chain);
  const firstWhole = steps.findIndex((s) => s.definition.kind === "whole");
  const prefix = firstWhole === -1 ? steps : steps.slice(0, firstWhole);
  const rest = firstWhole === -1 ? [] : steps.slice(firstWhole);
  const format = { sampleRate: stream.info.sampleRate, channels: stream.info.channels };
  const processors = prefix.map(({ definition, params }) => (definition.kind === "stream" ? definition.create(params, format) : unreachable()));
  // Progress shares: decoding with the streaming prefix, then the rest of the chain, then output.
  const streamShare = rest.length === 0 ? 1 : (1 + prefix.length) / (2 + steps.length);
  const restShare = rest.length === 0 ? 0 : (rest.length / (1 + rest.length)) * (1 - streamShare);

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

  const gathered = new BlockGatherer(stream.info.channels, stream.info.frames);
  for await (const block of stream.blocks) {
    const n = block[0]!.length;
    processBlock(processors, block, n);
    gathered.add(block);
    onProgress(streamShare * sourceFraction());
  }
  const audio = runSteps(gathered.audio(stream.info.sampleRate), rest, (f) => onProgress(streamShare + restShare * f));
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

/** The decoder's block may be large; the effects see cache-sized pieces of it, in order. */
function processBlock(processors: BlockProcessor[], block: Float32Array[], frames: number): void {
  if (processors.length === 0) return;
  for (let start = 0; start < frames; start += BLOCK_FRAMES) {
    const end = Math.min(frames, start + BLOCK_FRAMES);
    for (const process of processors) process(block, start, end);
  }
}

function unreachable(): never {
  throw new Error("unreachable: the streaming prefix holds streaming effects only");
}
