import { z } from "zod";
import { BLOCK_FRAMES } from "./chain";
import { type BlockProcessor, streamingEffect } from "./define";

export const ZReverbEffectSchema = z.object({
  type: z.literal("reverb"),
  room_size: z.number().min(0).max(1).default(0.5).describe("room size, 0 (small) to 1 (large hall): the length of the tail"),
  damping: z.number().min(0).max(1).default(0.5).describe("high-frequency damping of the tail, 0 (bright) to 1 (dark)"),
  wet: z.number().min(0).max(1).default(0.33).describe("level of the reverberated signal, 0 to 1"),
  dry: z.number().min(0).max(1).default(0.7).describe("level of the direct signal, 0 to 1"),
  width: z.number().min(0).max(1).default(1).describe("stereo width of the tail, 0 (mono) to 1 (wide)"),
  pre_delay_ms: z.number().min(0).max(200).default(0).describe("delay before the tail starts, in ms"),
});

export type ReverbParams = z.infer<typeof ZReverbEffectSchema>;

// Freeverb by Jezar at Dreampoint (public domain, 2000), tuning.h: delay lengths at 44.1 kHz.
const COMB_TUNING = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
const ALLPASS_TUNING = [556, 441, 341, 225];
const STEREO_SPREAD = 23;
const FIXED_GAIN = 0.015;
/**
 * Freeverb scales wet by 3; 0.25 here, so that the defaults (wet 0.33, dry 0.7) leave full scale
 * unclipped. The steady-state gain of the tail at room 0.5, damping 0.5 peaks at 3.41 (2263 Hz at
 * 44.1 kHz, computed from the filters' responses): 0.7 + 0.33 · 0.25 · 3.41 = 0.98 for a 0 dBFS
 * sine, and full-scale white noise peaks lower. At wet 1, dry 0 the tail of white noise sits about
 * 19 dB below the input at the default room, 8 dB below at room 1 with no damping, where sustained
 * tones at the combs' common resonances can exceed full scale.
 */
const SCALE_WET = 0.25;
const SCALE_DAMP = 0.4;
const SCALE_ROOM = 0.28;
const OFFSET_ROOM = 0.7;
const ALLPASS_FEEDBACK = 0.5;
const TUNING_RATE = 44_100;
/**
 * Added to the tail's input so that its filters never decay into float32 subnormals, which cost
 * a hundred cycles each on x86 when the tail of a file fades to digital silence. It comes out
 * about 480 dB below full scale.
 */
const DENORMAL_GUARD = 1e-24;

export const reverbEffect = streamingEffect({
  type: "reverb",
  schema: ZReverbEffectSchema,
  create(params, { sampleRate, channels }) {
    // Channels in pairs (0-1, 2-3, ...), each pair one stereo Freeverb; an odd last channel is a mono one.
    const units: BlockProcessor[] = [];
    for (let c = 0; c < channels; c += 2) units.push(freeverb(params, sampleRate, c, c + 1 < channels ? c + 1 : -1));
    return (chs, start, end) => {
      for (const unit of units) unit(chs, start, end);
    };
  },
});

type Bank = {
  combs: Float32Array[];
  allpasses: Float32Array[];
  /** Per comb: ring index, then its lowpass state. */
  combState: Float64Array;
  allpassIndex: Int32Array;
};

function freeverb(params: ReverbParams, sampleRate: number, left: number, right: number): BlockProcessor {
  const stretch = sampleRate / TUNING_RATE;
  const stereo = right >= 0;
  const bankL = makeBank(stretch, 0);
  const bankR = stereo ? makeBank(stretch, STEREO_SPREAD) : bankL;
  const feedback = params.room_size * SCALE_ROOM + OFFSET_ROOM;
  // The damping lowpass is a one-pole tuned at 44.1 kHz; p^(44100/fs) keeps its corner in Hz.
  const damp1 = (params.damping * SCALE_DAMP) ** (1 / stretch);
  const damp2 = 1 - damp1;
  const wet = params.wet * SCALE_WET;
  const wet1 = wet * (params.width / 2 + 0.5);
  const wet2 = wet * ((1 - params.width) / 2);
  const dry = params.dry;
  // A mono input feeds the tail at the level of the same signal on both sides of a stereo pair.
  const inputGain = stereo ? FIXED_GAIN : 2 * FIXED_GAIN;

  const preDelay = Math.round((params.pre_delay_ms * sampleRate) / 1000);
  const preLine = new Float32Array(Math.max(1, preDelay));
  let preIndex = 0;

  let scratch = makeScratch(BLOCK_FRAMES, stereo);

  return (chs, start, end) => {
    const n = end - start;
    if (n > scratch.feed.length) scratch = makeScratch(n, stereo);
    const { feed, accL, accR } = scratch;
    const inL = chs[left]!;
    const inR = stereo ? chs[right]! : inL;
    if (stereo) sumToFeed(inL, inR, start, n, feed, inputGain);
    else monoToFeed(inL, start, n, feed, inputGain);
    if (preDelay > 0) preIndex = delayInPlace(feed, n, preLine, preIndex);

    runBank(bankL, feed, accL, n, feedback, damp1, damp2);
    if (!stereo) {
      mixMono(inL, start, n, accL, wet, dry);
      return;
    }
    runBank(bankR, feed, accR, n, feedback, damp1, damp2);
    mixStereo(inL, inR, start, n, accL, accR, wet1, wet2, dry);
  };
}

type Scratch = { feed: Float32Array; accL: Float32Array; accR: Float32Array };

function makeScratch(frames: number, stereo: boolean): Scratch {
  const accL = new Float32Array(frames);
  return { feed: new Float32Array(frames), accL, accR: stereo ? new Float32Array(frames) : accL };
}

function sumToFeed(inL: Float32Array, inR: Float32Array, start: number, n: number, feed: Float32Array, gain: number): void {
  for (let i = 0; i < n; i++) feed[i] = (inL[start + i]! + inR[start + i]!) * gain + DENORMAL_GUARD;
}

function monoToFeed(inL: Float32Array, start: number, n: number, feed: Float32Array, gain: number): void {
  for (let i = 0; i < n; i++) feed[i] = inL[start + i]! * gain + DENORMAL_GUARD;
}

function mixMono(io: Float32Array, start: number, n: number, acc: Float32Array, wet: number, dry: number): void {
  for (let i = 0; i < n; i++) io[start + i] = acc[i]! * wet + io[start + i]! * dry;
}

/** Freeverb's output stage: width crossfeeds the two tails (wet2 is 0 at full width). */
function mixStereo(ioL: Float32Array, ioR: Float32Array, start: number, n: number, accL: Float32Array, accR: Float32Array, wet1: number, wet2: number, dry: number): void {
  for (let i = 0; i < n; i++) {
    const l = accL[i]!;
    const r = accR[i]!;
    ioL[start + i] = l * wet1 + r * wet2 + ioL[start + i]! * dry;
    ioR[start + i] = r * wet1 + l * wet2 + ioR[start + i]! * dry;
  }
}

function makeBank(stretch: number, spread: number): Bank {
  const length = (tuning: number) => Math.max(1, Math.round((tuning + spread) * stretch));
  return {
    combs: COMB_TUNING.map((t) => new Float32Array(length(t))),
    allpasses: ALLPASS_TUNING.map((t) => new Float32Array(length(t))),
    combState: new Float64Array(COMB_TUNING.length * 2),
    allpassIndex: new Int32Array(ALLPASS_TUNING.length),
  };
}

/**
 * One side of the tail over a block: the parallel combs summed into `acc`, then the allpasses in
 * series over it. The combs run four at a time: each one's lowpass is a recurrence whose latency
 * bounds a loop over a single comb, and four independent ones overlap. Loops run in segments that
 * end where a ring wraps, so there is no wrap test per sample.
 */
function runBank(bank: Bank, feed: Float32Array, acc: Float32Array, n: number, feedback: number, damp1: number, damp2: number): void {
  acc.fill(0, 0, n);
  for (let c = 0; c < bank.combs.length; c += 4) combQuad(bank, c, feed, acc, n, feedback, damp1, damp2);
  allpassChain(bank, acc, n);
}

function combQuad(bank: Bank, first: number, feed: Float32Array, acc: Float32Array, n: number, fb: number, d1: number, d2: number): void {
  const st = bank.combState;
  const b0 = bank.combs[first]!;
  const b1 = bank.combs[first + 1]!;
  const b2 = bank.combs[first + 2]!;
  const b3 = bank.combs[first + 3]!;
  const l0 = b0.length;
  const l1 = b1.length;
  const l2 = b2.length;
  const l3 = b3.length;
  const s = 2 * first;
  let p0 = st[s]!;
  let p1 = st[s + 2]!;
  let p2 = st[s + 4]!;
  let p3 = st[s + 6]!;
  let f0 = st[s + 1]!;
  let f1 = st[s + 3]!;
  let f2 = st[s + 5]!;
  let f3 = st[s + 7]!;
  let i = 0;
  while (i < n) {
    const run = Math.min(n - i, l0 - p0, l1 - p1, l2 - p2, l3 - p3);
    const stop = i + run;
    // Ring positions relative to the block position, so one counter drives all five arrays.
    const q0 = p0 - i;
    const q1 = p1 - i;
    const q2 = p2 - i;
    const q3 = p3 - i;
    for (; i < stop; i++) {
      const o0 = b0[q0 + i]!;
      const o1 = b1[q1 + i]!;
      const o2 = b2[q2 + i]!;
      const o3 = b3[q3 + i]!;
      // Freeverb comb: a one-pole lowpass (the damping) inside the feedback loop.
      f0 = o0 * d2 + f0 * d1;
      f1 = o1 * d2 + f1 * d1;
      f2 = o2 * d2 + f2 * d1;
      f3 = o3 * d2 + f3 * d1;
      const x = feed[i]!;
      b0[q0 + i] = x + f0 * fb;
      b1[q1 + i] = x + f1 * fb;
      b2[q2 + i] = x + f2 * fb;
      b3[q3 + i] = x + f3 * fb;
      acc[i]! += o0 + o1 + (o2 + o3);
    }
    p0 += run;
    p1 += run;
    p2 += run;
    p3 += run;
    if (p0 === l0) p0 = 0;
    if (p1 === l1) p1 = 0;
    if (p2 === l2) p2 = 0;
    if (p3 === l3) p3 = 0;
  }
  st[s] = p0;
  st[s + 2] = p1;
  st[s + 4] = p2;
  st[s + 6] = p3;
  st[s + 1] = f0;
  st[s + 3] = f1;
  st[s + 5] = f2;
  st[s + 7] = f3;
}

/** The four allpasses in series, sample by sample, so `acc` makes one trip through memory. */
function allpassChain(bank: Bank, acc: Float32Array, n: number): void {
  const idx = bank.allpassIndex;
  const a0 = bank.allpasses[0]!;
  const a1 = bank.allpasses[1]!;
  const a2 = bank.allpasses[2]!;
  const a3 = bank.allpasses[3]!;
  const l0 = a0.length;
  const l1 = a1.length;
  const l2 = a2.length;
  const l3 = a3.length;
  let p0 = idx[0]!;
  let p1 = idx[1]!;
  let p2 = idx[2]!;
  let p3 = idx[3]!;
  const g = ALLPASS_FEEDBACK;
  let i = 0;
  while (i < n) {
    const stop = i + Math.min(n - i, l0 - p0, l1 - p1, l2 - p2, l3 - p3);
    for (; i < stop; i++, p0++, p1++, p2++, p3++) {
      // Freeverb's allpass: out = delayed − in, delayed line fed with in + g · delayed.
      let x = acc[i]!;
      let d = a0[p0]!;
      a0[p0] = x + d * g;
      x = d - x;
      d = a1[p1]!;
      a1[p1] = x + d * g;
      x = d - x;
      d = a2[p2]!;
      a2[p2] = x + d * g;
      x = d - x;
      d = a3[p3]!;
      a3[p3] = x + d * g;
      acc[i] = d - x;
    }
    if (p0 === l0) p0 = 0;
    if (p1 === l1) p1 = 0;
    if (p2 === l2) p2 = 0;
    if (p3 === l3) p3 = 0;
  }
  idx[0] = p0;
  idx[1] = p1;
  idx[2] = p2;
  idx[3] = p3;
}

/** Delays `x[0..n)` in place through the ring `line`; returns the new ring index. */
function delayInPlace(x: Float32Array, n: number, line: Float32Array, index: number): number {
  const len = line.length;
  let idx = index;
  for (let i = 0; i < n; i++) {
    const out = line[idx]!;
    line[idx] = x[i]!;
    x[i] = out;
    if (++idx === len) idx = 0;
  }
  return idx;
}
