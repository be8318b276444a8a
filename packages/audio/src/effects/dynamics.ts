import { z } from "zod";
import { streamingEffect } from "./define";
import { compressorKernel, compressPair, computeGains, type GainCurve, LevelBuffer, linkedPeak, scratch, staticReductionDb, timeCoeff, warmUpCompressPair } from "./gain-computer";

export { deesserEffect, ZDeesserEffectSchema } from "./deesser";
export { staticReductionDb };

export const ZCompressorEffectSchema = z.object({
  type: z.literal("compressor"),
  threshold_db: z.number().min(-60).max(0).default(-18).describe("level in dBFS (sample peak) above which the gain comes down"),
  ratio: z.number().min(1).max(20).default(3).describe("dB in per dB out above the threshold: 3 turns 12 dB over into 4 dB over"),
  knee_db: z.number().min(0).max(24).default(6).describe("width in dB of the soft knee centred on the threshold; 0 is a hard knee"),
  attack_ms: z.number().min(0.1).max(200).default(10).describe("time for the gain reduction to reach 63 % of a step up"),
  release_ms: z.number().min(5).max(2000).default(100).describe("time for the gain reduction to fall back by 63 % after the level drops"),
  makeup_db: z.number().min(-12).max(24).default(0).describe("gain in dB after compression"),
  auto_makeup: z
    .boolean()
    .default(false)
    .describe("add the reduction the curve gives at 0 dBFS, so a steady full-scale peak comes out at full scale again (transients can overshoot)"),
});

export const compressorEffect = streamingEffect({
  type: "compressor",
  schema: ZCompressorEffectSchema,
  create(p, { sampleRate }) {
    const curve: GainCurve = {
      thresholdDb: p.threshold_db,
      slope: 1 - 1 / p.ratio,
      kneeDb: p.knee_db,
      maxReductionDb: Infinity,
      attackCoeff: timeCoeff(p.attack_ms, sampleRate),
      releaseCoeff: timeCoeff(p.release_ms, sampleRate),
      makeupDb: p.makeup_db + (p.auto_makeup ? staticReductionDb(0, p.threshold_db, p.ratio, p.knee_db) : 0),
    };
    const state = new Float64Array(2);
    const kernel = compressorKernel(curve);
    warmUpCompressPair(kernel);
    // Int32Array views of the channels for compressPair, made again only if the arrays change
    // (the chain passes the same ones block after block).
    let viewedA: Float32Array | null = null;
    let viewedB: Float32Array | null = null;
    let bitsA: Int32Array = new Int32Array(0);
    let bitsB: Int32Array = new Int32Array(0);
    // More than two channels: the linked peak into a scratch level, then the gains, then a pass per channel.
    const level = new LevelBuffer();
    let gains: Float32Array = new Float32Array(0);
    return (channels, start, end) => {
      const n = end - start;
      if (n <= 0 || channels.length === 0) return;
      if (channels.length <= 2) {
        const a = channels[0]!;
        const b = channels[channels.length - 1]!;
        if (a !== viewedA) {
          viewedA = a;
          bitsA = new Int32Array(a.buffer, a.byteOffset, a.length);
        }
        if (b !== viewedB) {
          viewedB = b;
          bitsB = b === a ? bitsA : new Int32Array(b.buffer, b.byteOffset, b.length);
        }
        compressPair(a, b, bitsA, bitsB, start, end, state, kernel);
        return;
      }
      level.ensure(n);
      gains = scratch(gains, n);
      linkedPeak(channels, start, end, level.values);
      if (!computeGains(level.bits, n, gains, state, curve)) return;
      for (const ch of channels) for (let i = 0; i < n; i++) ch[start + i]! *= gains[i]!;
    };
  },
});
