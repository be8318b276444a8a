import { z } from "zod";
import { type AudioBuffer } from "../types";
import { runSteps, type ChainStep } from "./chain";
import { chorusEffect, ZChorusEffectSchema } from "./chorus";
import { type EffectDefinition, type Progress } from "./define";
import { delayEffect, ZDelayEffectSchema } from "./delay";
import { deesserEffect, ZDeesserEffectSchema } from "./deesser";
import { compressorEffect, ZCompressorEffectSchema } from "./dynamics";
import {
  channelsEffect,
  fadeInEffect,
  fadeOutEffect,
  reverseEffect,
  trimEffect,
  ZChannelsEffectSchema,
  ZFadeInEffectSchema,
  ZFadeOutEffectSchema,
  ZReverseEffectSchema,
  ZTrimEffectSchema,
} from "./edits";
import { eqEffect, highpassEffect, lowpassEffect, ZEqEffectSchema, ZHighpassEffectSchema, ZLowpassEffectSchema } from "./filters";
import { gainEffect, ZGainEffectSchema } from "./gain";
import { limiterEffect, ZLimiterEffectSchema } from "./limiter";
import { normalizeEffect, ZNormalizeEffectSchema } from "./normalize";
import { reverbEffect, ZReverbEffectSchema } from "./reverb";
import { pitchShiftEffect, timeStretchEffect, ZPitchShiftEffectSchema, ZTimeStretchEffectSchema } from "./stretch";

/** The longest chain accepted: longer ones are a mistake or an attempt to tie up a worker. */
export const MAX_CHAIN_LENGTH = 32;

/** One effect with its parameters, as the API, the UI, the CLI and the worker exchange them. */
export const ZEffectSchema = z.discriminatedUnion("type", [
  ZGainEffectSchema,
  ZNormalizeEffectSchema,
  ZTrimEffectSchema,
  ZFadeInEffectSchema,
  ZFadeOutEffectSchema,
  ZHighpassEffectSchema,
  ZLowpassEffectSchema,
  ZEqEffectSchema,
  ZCompressorEffectSchema,
  ZLimiterEffectSchema,
  ZDeesserEffectSchema,
  ZReverbEffectSchema,
  ZDelayEffectSchema,
  ZChorusEffectSchema,
  ZPitchShiftEffectSchema,
  ZTimeStretchEffectSchema,
  ZReverseEffectSchema,
  ZChannelsEffectSchema,
]);

export type Effect = z.infer<typeof ZEffectSchema>;
export type EffectInput = z.input<typeof ZEffectSchema>;
export type EffectType = Effect["type"];

export const ZEffectChainSchema = z
  .array(ZEffectSchema)
  .min(1, "A chain needs at least one effect.")
  .max(MAX_CHAIN_LENGTH, `A chain has at most ${MAX_CHAIN_LENGTH} effects.`);

const DEFINITIONS: Record<EffectType, EffectDefinition> = {
  gain: gainEffect,
  normalize: normalizeEffect,
  trim: trimEffect,
  fade_in: fadeInEffect,
  fade_out: fadeOutEffect,
  highpass: highpassEffect,
  lowpass: lowpassEffect,
  eq: eqEffect,
  compressor: compressorEffect,
  limiter: limiterEffect,
  deesser: deesserEffect,
  reverb: reverbEffect,
  delay: delayEffect,
  chorus: chorusEffect,
  pitch_shift: pitchShiftEffect,
  time_stretch: timeStretchEffect,
  reverse: reverseEffect,
  channels: channelsEffect,
};

export const EFFECT_TYPES = Object.keys(DEFINITIONS) as EffectType[];

/** The chain as steps for the runners: each effect with its implementation. */
export function chainSteps(chain: readonly Effect[]): ChainStep[] {
  return chain.map((params) => ({ definition: DEFINITIONS[params.type], params }));
}

/**
 * Runs a parsed chain over `audio`, which it takes over (most effects work in place). Progress
 * goes to `onProgress` as a fraction of the whole chain.
 */
export function runEffectChain(audio: AudioBuffer, chain: readonly Effect[], onProgress?: Progress): AudioBuffer {
  return runSteps(audio, chainSteps(chain), onProgress);
}
