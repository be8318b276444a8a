import { z } from "zod";
import { streamingEffect } from "./define";

export const ZGainEffectSchema = z.object({
  type: z.literal("gain"),
  db: z.number().min(-60).max(24).describe("gain in dB"),
});

export const gainEffect = streamingEffect({
  type: "gain",
  schema: ZGainEffectSchema,
  create({ db }) {
    const g = Math.fround(10 ** (db / 20));
    return (channels, start, end) => {
      for (const ch of channels) for (let i = start; i < end; i++) ch[i]! *= g;
    };
  },
});
