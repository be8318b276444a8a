import { z } from "zod";
import { streamingEffect } from "./define";
import { computeGains, type GainCurve, LevelBuffer, linkedPeak, scratch, staticReductionDb, timeCoeff } from "./gain-computer";

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
    const level = new LevelBuffer();
    let gains: Float32Array = new Float32Array(0);
    return (channels, start, end) => {
      const n = end - start;
      if (n <= 0 || channels.length === 0) return;
      level.ensure(n);
      gains = scratch(gains, n);
      linkedPeak(channels, start, end, level.values);
      if (!computeGains(level.bits, n, gains, state, curve)) return;
      for (const ch of channels) for (let i = 0; i < n; i++) ch[start + i]! *= gains[i]!;
    };
  },
});
