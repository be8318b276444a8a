import { z } from "zod";
import { BLOCK_FRAMES } from "./chain";
import { streamingEffect } from "./define";

export const ZChorusEffectSchema = z.object({
  type: z.literal("chorus"),
  rate_hz: z.number().min(0.05).max(5).default(0.8).describe("speed of the sweep, in Hz"),
  depth_ms: z.number().min(0).max(10).default(2.5).describe("how far the delay sweeps above delay_ms, in ms"),
  delay_ms: z.number().min(1).max(30).default(12).describe("shortest delay of the voices, in ms"),
  mix: z.number().min(0).max(1).default(0.5).describe("share of the chorused voices; the direct signal plays at 1 − mix"),
  voices: z.number().int().min(1).max(4).default(2).describe("number of delayed voices, 1 to 4"),
});

export type ChorusParams = z.infer<typeof ZChorusEffectSchema>;

/** Frames per LFO step: the delay moves in straight lines between LFO values this far apart. */
const LFO_SEGMENT = 32;

/** Phase step between channels: left and right sweep in quadrature, which spreads the voices. */
const CHANNEL_PHASE = Math.PI / 2;

/**
 * A multi-voice chorus: each voice reads the input through a delay that a sine LFO sweeps between
 * delay_ms and delay_ms + depth_ms; voices are evenly spaced in LFO phase, and each channel's LFOs
 * are a quarter turn on from the previous channel's. The delay is read with linear interpolation:
 * a convex blend of two input samples, so the output never exceeds the input's peak.
 */
export const chorusEffect = streamingEffect({
  type: "chorus",
  schema: ZChorusEffectSchema,
  create(params, { sampleRate, channels }) {
    const voices = params.voices;
    const base = (params.delay_ms * sampleRate) / 1000;
    const halfDepth = (params.depth_ms * sampleRate) / 2000;
    const longest = Math.ceil(base + 2 * halfDepth) + 2;
    const ringSize = 2 ** Math.ceil(Math.log2(longest + BLOCK_FRAMES + 2));
    const mask = ringSize - 1;
    const rings = Array.from({ length: channels }, () => new Float32Array(ringSize));
    // The LFO is a phasor (sin, cos) rotated by a fixed angle per segment: no Math.sin per sample.
    const radPerFrame = (2 * Math.PI * params.rate_hz) / sampleRate;
    const cosSeg = Math.cos(radPerFrame * LFO_SEGMENT);
    const sinSeg = Math.sin(radPerFrame * LFO_SEGMENT);
    const osc = new Float64Array(channels * voices * 2);
    for (let c = 0; c < channels; c++) {
      for (let v = 0; v < voices; v++) {
        const phase = (2 * Math.PI * v) / voices + c * CHANNEL_PHASE;
        osc[2 * (c * voices + v)] = Math.sin(phase);
        osc[2 * (c * voices + v) + 1] = Math.cos(phase);
      }
    }
    const dry = 1 - params.mix;
    const voiceGain = params.mix / voices;
    const wet = new Float32Array(BLOCK_FRAMES);
    let write = 0;

    return (chs, start, end) => {
      // Blocks longer than the ring was sized for are taken in slices.
      for (let s = start; s < end; s += BLOCK_FRAMES) {
        const e = Math.min(end, s + BLOCK_FRAMES);
        for (let c = 0; c < chs.length; c++) {
          const x = chs[c]!;
          const ring = rings[c]!;
          for (let i = s, p = write; i < e; i++, p = (p + 1) & mask) ring[p] = x[i]!;
          wet.fill(0, 0, e - s);
          for (let v = 0; v < voices; v++) sweepVoice(ring, mask, write, e - s, wet, osc, 2 * (c * voices + v), base + halfDepth, halfDepth, radPerFrame, cosSeg, sinSeg);
          for (let i = s; i < e; i++) x[i] = dry * x[i]! + voiceGain * wet[i - s]!;
        }
        write = (write + (e - s)) & mask;
      }
    };
  },
});

/**
 * Adds one voice to wet[0, n): the ring read `centre + swing · sin` samples behind the write
 * position of each frame, linearly interpolated. The LFO advances a segment at a time and the
 * delay moves linearly within a segment (at 5 Hz and 10 ms depth that is 0.015 samples off the
 * sine at most), so the sample loop has no chain of dependent multiplies.
 */
function sweepVoice(ring: Float32Array, mask: number, write: number, n: number, wet: Float32Array, osc: Float64Array, slot: number, centre: number, swing: number, radPerFrame: number, cosSeg: number, sinSeg: number): void {
  let sn = osc[slot]!;
  let cs = osc[slot + 1]!;
  // One ring length ahead keeps the read position positive, so truncation is the floor.
  const ahead = write + mask + 1 - centre;
  for (let k0 = 0; k0 < n; k0 += LFO_SEGMENT) {
    const len = Math.min(LFO_SEGMENT, n - k0);
    // A short last segment (a block that is not a multiple of the segment) turns by less.
    const c = len === LFO_SEGMENT ? cosSeg : Math.cos(radPerFrame * len);
    const s = len === LFO_SEGMENT ? sinSeg : Math.sin(radPerFrame * len);
    const nextSin = sn * c + cs * s;
    cs = cs * c - sn * s;
    const from = ahead + k0 - swing * sn;
    const slope = 1 - (swing * (nextSin - sn)) / len;
    sn = nextSin;
    for (let j = 0; j < len; j++) {
      const pos = from + j * slope;
      const ip = pos | 0;
      const frac = pos - ip;
      const a = ring[ip & mask]!;
      const b = ring[(ip + 1) & mask]!;
      wet[k0 + j]! += a + frac * (b - a);
    }
  }
  // Rounding makes a rotating phasor drift off the unit circle; pull it back once a block.
  const r = 1 / Math.sqrt(sn * sn + cs * cs);
  osc[slot] = sn * r;
  osc[slot + 1] = cs * r;
}
