import { type z } from "zod";
import { type AudioBuffer } from "../types";

/** Reports how far a piece of work is, as a fraction in [0, 1]. */
export type Progress = (fraction: number) => void;

export type SignalFormat = { sampleRate: number; channels: number };

/**
 * A stateful processor built once per run. It works in place on frames [start, end) of planar
 * channels, block after block in order, and keeps whatever state it needs between blocks. It never
 * changes the number of frames or channels; it allocates in `create`, never per block.
 */
export type BlockProcessor = (channels: Float32Array[], start: number, end: number) => void;

type EffectBase<Type extends string, Schema extends z.ZodObject<{ type: z.ZodLiteral<Type> }>> = {
  type: Type;
  /** Bounded parameters; `.describe()` on each field documents it for the CLI and the UI. */
  schema: Schema;
};

/**
 * An effect that streams: the chain runs consecutive streaming effects block by block, so the
 * signal makes one trip through the cache for all of them.
 */
export type StreamingEffect<Type extends string = string, Schema extends z.ZodObject<{ type: z.ZodLiteral<Type> }> = z.ZodObject<{ type: z.ZodLiteral<Type> }>> =
  EffectBase<Type, Schema> & {
    kind: "stream";
    create(params: z.infer<Schema>, format: SignalFormat): BlockProcessor;
  };

/**
 * An effect that needs the whole signal: two passes (normalize), reordering (reverse), or a new
 * length or channel count (trim, time_stretch, channels). It may work in place and return its
 * input, or return a new buffer (the old one is then dropped, so memory stays about one file).
 */
export type WholeEffect<Type extends string = string, Schema extends z.ZodObject<{ type: z.ZodLiteral<Type> }> = z.ZodObject<{ type: z.ZodLiteral<Type> }>> =
  EffectBase<Type, Schema> & {
    kind: "whole";
    apply(audio: AudioBuffer, params: z.infer<Schema>, progress: Progress): AudioBuffer;
  };

export type EffectDefinition = StreamingEffect<string, any> | WholeEffect<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function streamingEffect<Type extends string, Schema extends z.ZodObject<{ type: z.ZodLiteral<Type> }>>(
  def: Omit<StreamingEffect<Type, Schema>, "kind">,
): StreamingEffect<Type, Schema> {
  return { kind: "stream", ...def };
}

export function wholeEffect<Type extends string, Schema extends z.ZodObject<{ type: z.ZodLiteral<Type> }>>(
  def: Omit<WholeEffect<Type, Schema>, "kind">,
): WholeEffect<Type, Schema> {
  return { kind: "whole", ...def };
}
