import { z } from "zod";
import { BLOCK_FRAMES } from "./chain";
import { type BlockProcessor, streamingEffect } from "./define";

export const ZReverbEffectSchema = z.object({
  type: z.literal("reverb"),
  room_size: z.number().min(0).max(1).default(0.5).describe("room size, 0 (small) to 1 (large hall): the length of the tail"),
  damping: z.number().min(0).max(1).default(0.5).describe("high-frequency damping of the tail, 0 (bright) to 1 (dark)"),
  wet: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe(
      "level of the reverberated signal, 0 to 1: 1 puts the tail of pink noise near the input's level; " +
        "high wet with high dry can exceed full scale on loud input, as with any reverb, and a limiter after the reverb prevents that",
    ),
  dry: z
    .number()
    .min(0)
    .max(1)
    .default(0.65)
    .describe("level of the direct signal, 0 to 1 (the defaults, wet 0.05 and dry 0.65, never clip a full-scale input)"),
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
 * Freeverb scales wet by 3; half that here puts wet 1, dry 0 on pink noise within 2 dB of the
 * input's RMS (−2 to −1 dB for an uncorrelated stereo pair, +1.4 dB for mono), a level a hall
 * or an ambient wash can use. A sustained sine at one of the combs' common resonances gets more:
 * at room 0.5, damping 0.5 the tail's steady-state gain peaks at 6.3 per unit of wet (the right
 * side, at 1310.6 Hz at 44.1 kHz; 5.1 on the left at 2263.3 Hz), so the defaults, 0.65 + 0.05 ·
 * 6.3 = 0.96, leave a 0 dBFS sine unclipped at any frequency, and full-scale noise peaks lower.
 */
const SCALE_WET = 1.5;
const SCALE_DAMP = 0.4;
const SCALE_ROOM = 0.28;
const OFFSET_ROOM = 0.7;
const ALLPASS_FEEDBACK = 0.5;
const TUNING_RATE = 44_100;
/**
 * Added to the tail's input so that its filters never decay into subnormal numbers, which cost a
 * hundred cycles each on x86 when the tail of a file fades to digital silence. It comes out more
 * than 400 dB below full scale.
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

/**
 * One side of the tail: where its eight combs and four allpasses sit in the unit's memory. `rings`
 * holds [start, end) of each ring (combs first), `pos` each ring's current position, `lowpass`
 * each comb's damping state, kept multiplied by the feedback.
 */
type Bank = { rings: Int32Array; pos: Int32Array; lowpass: Float64Array };

const COMBS = COMB_TUNING.length;
// The unit's memory: the feed [0, PIECE), the two tails, then the rings. Blocks longer than PIECE
// run in pieces (of at most 8191 frames, for the masks below).
const PIECE = Math.min(BLOCK_FRAMES, 4096);
const OUT_L = PIECE;
const OUT_R = 2 * PIECE;
const RINGS_START = 3 * PIECE;
const RINGS = COMBS + ALLPASS_TUNING.length;
// The loops mask indices with `& 0x3fffffff` (ring offsets are positive and below 2^30) and
// `& 8191` (positions in a piece): the masks change no value, but as literals they tell V8 the
// index's range, so that it adds offset and position without an overflow check.

// Slots of a unit's coefficients. The loops read them from a Float64Array, which V8 hands over as
// raw doubles: a number passed as an argument or read from a module binding was re-checked and
// converted on every iteration (V8 does not hoist loop-invariant work).
const C_COMB_IN = 0;
const C_DAMP = 1;
const C_ALLPASS = 2;
const C_WET = 3;
const C_WET1 = 4;
const C_WET2 = 5;
const C_DRY = 6;
const C_INPUT = 7;
const C_GUARD = 8;
const COEFFS = 9;

function freeverb(params: ReverbParams, sampleRate: number, left: number, right: number): BlockProcessor {
  const stretch = sampleRate / TUNING_RATE;
  const stereo = right >= 0;
  // One Float64Array holds the piece's feed and both tails, then every ring of both banks. V8
  // re-checks a typed array's map and reloads its length and data pointer on each loop iteration,
  // so a loop over one array instead of a dozen runs about twice as fast; doubles rather than
  // floats save a conversion on every load and store (10 % faster, for 300 KB per stereo pair).
  const outL = OUT_L;
  const outR = OUT_R;
  let top = RINGS_START;
  const makeBank = (spread: number): Bank => {
    const rings = new Int32Array(2 * RINGS);
    const pos = new Int32Array(RINGS);
    [...COMB_TUNING, ...ALLPASS_TUNING].forEach((tuning, k) => {
      rings[2 * k] = top;
      pos[k] = top;
      top += Math.max(1, Math.round((tuning + spread) * stretch));
      rings[2 * k + 1] = top;
    });
    return { rings, pos, lowpass: new Float64Array(COMBS) };
  };
  const bankL = makeBank(0);
  const bankR = stereo ? makeBank(STEREO_SPREAD) : bankL;
  const mem = new Float64Array(top);

  const feedback = params.room_size * SCALE_ROOM + OFFSET_ROOM;
  // The damping lowpass is a one-pole tuned at 44.1 kHz; p^(44100/fs) keeps its corner in Hz.
  const damp1 = (params.damping * SCALE_DAMP) ** (1 / stretch);
  const wet = params.wet * SCALE_WET;
  const c = new Float64Array(COEFFS);
  // Freeverb's comb: ring ← x + fb·f with the damping f = d2·o + d1·f. Here g = fb·f is kept
  // instead, which saves a multiply: g = (fb·d2)·o + d1·g, ring ← x + g.
  c[C_COMB_IN] = feedback * (1 - damp1);
  c[C_DAMP] = damp1;
  c[C_ALLPASS] = ALLPASS_FEEDBACK;
  c[C_WET] = wet;
  // Freeverb's output stage: width crossfeeds the two tails (wet2 is 0 at full width).
  c[C_WET1] = wet * (params.width / 2 + 0.5);
  c[C_WET2] = wet * ((1 - params.width) / 2);
  c[C_DRY] = params.dry;
  // A mono input feeds the tail at the level of the same signal on both sides of a stereo pair.
  c[C_INPUT] = stereo ? FIXED_GAIN : 2 * FIXED_GAIN;
  c[C_GUARD] = DENORMAL_GUARD;

  const preDelay = Math.round((params.pre_delay_ms * sampleRate) / 1000);
  const preLine = new Float64Array(Math.max(1, preDelay));
  let preIndex = 0;

  return (chs, start, end) => {
    const inL = chs[left]!;
    const inR = stereo ? chs[right]! : inL;
    for (let s = start; s < end; s += PIECE) {
      const n = Math.min(PIECE, end - s);
      if (stereo) sumToFeed(inL, inR, s, n, mem, c);
      else monoToFeed(inL, s, n, mem, c);
      if (preDelay > 0) preIndex = delayInPlace(mem, n, preLine, preIndex);
      combs(mem, bankL, outL, n, c);
      if (!stereo) {
        allpasses(mem, bankL, outL, n, c);
        mixMono(inL, s, n, mem, outL, c);
        continue;
      }
      combs(mem, bankR, outR, n, c);
      allpassesAndMix(mem, bankL, bankR, inL, inR, s, n, c);
    }
  };
}

function sumToFeed(inL: Float32Array, inR: Float32Array, start: number, n: number, feed: Float64Array, c: Float64Array): void {
  const gain = c[C_INPUT]!;
  const guard = c[C_GUARD]!;
  for (let i = 0; i < n; i++) feed[i] = (inL[start + i]! + inR[start + i]!) * gain + guard;
}

function monoToFeed(inL: Float32Array, start: number, n: number, feed: Float64Array, c: Float64Array): void {
  const gain = c[C_INPUT]!;
  const guard = c[C_GUARD]!;
  for (let i = 0; i < n; i++) feed[i] = inL[start + i]! * gain + guard;
}

function mixMono(io: Float32Array, start: number, n: number, m: Float64Array, out: number, c: Float64Array): void {
  const wet = c[C_WET]!;
  const dry = c[C_DRY]!;
  for (let i = 0; i < n; i++) io[start + i] = m[out + i]! * wet + io[start + i]! * dry;
}

/**
 * One side's eight parallel combs over a piece, summed into m[out, out + n). Loops run in segments
 * that end where a ring wraps, so there is no wrap test per sample, and within a segment each
 * ring's position is a fixed offset from i. The eight lowpass recurrences are independent, so
 * their latencies overlap.
 */
function combs(m: Float64Array, bank: Bank, out: number, n: number, c: Float64Array): void {
  const at = out & 0x3fffffff;
  const e2 = c[C_COMB_IN]!;
  const d1 = c[C_DAMP]!;
  const { rings, pos, lowpass } = bank;
  let p0 = pos[0]!;
  let p1 = pos[1]!;
  let p2 = pos[2]!;
  let p3 = pos[3]!;
  let p4 = pos[4]!;
  let p5 = pos[5]!;
  let p6 = pos[6]!;
  let p7 = pos[7]!;
  let g0 = lowpass[0]!;
  let g1 = lowpass[1]!;
  let g2 = lowpass[2]!;
  let g3 = lowpass[3]!;
  let g4 = lowpass[4]!;
  let g5 = lowpass[5]!;
  let g6 = lowpass[6]!;
  let g7 = lowpass[7]!;
  let i = 0;
  while (i < n) {
    const run = Math.min(n - i, rings[1]! - p0, rings[3]! - p1, rings[5]! - p2, rings[7]! - p3, rings[9]! - p4, rings[11]! - p5, rings[13]! - p6, rings[15]! - p7);
    const stop = (i + run) & 8191;
    const q0 = (p0 - i) & 0x3fffffff;
    const q1 = (p1 - i) & 0x3fffffff;
    const q2 = (p2 - i) & 0x3fffffff;
    const q3 = (p3 - i) & 0x3fffffff;
    const q4 = (p4 - i) & 0x3fffffff;
    const q5 = (p5 - i) & 0x3fffffff;
    const q6 = (p6 - i) & 0x3fffffff;
    const q7 = (p7 - i) & 0x3fffffff;
    for (; i < stop; i++) {
      const x = m[i]!;
      const o0 = m[q0 + i]!;
      const o1 = m[q1 + i]!;
      const o2 = m[q2 + i]!;
      const o3 = m[q3 + i]!;
      const o4 = m[q4 + i]!;
      const o5 = m[q5 + i]!;
      const o6 = m[q6 + i]!;
      const o7 = m[q7 + i]!;
      g0 = o0 * e2 + g0 * d1;
      g1 = o1 * e2 + g1 * d1;
      g2 = o2 * e2 + g2 * d1;
      g3 = o3 * e2 + g3 * d1;
      g4 = o4 * e2 + g4 * d1;
      g5 = o5 * e2 + g5 * d1;
      g6 = o6 * e2 + g6 * d1;
      g7 = o7 * e2 + g7 * d1;
      m[q0 + i] = x + g0;
      m[q1 + i] = x + g1;
      m[q2 + i] = x + g2;
      m[q3 + i] = x + g3;
      m[q4 + i] = x + g4;
      m[q5 + i] = x + g5;
      m[q6 + i] = x + g6;
      m[q7 + i] = x + g7;
      m[at + i] = o0 + o1 + (o2 + o3) + (o4 + o5 + (o6 + o7));
    }
    p0 += run;
    p1 += run;
    p2 += run;
    p3 += run;
    p4 += run;
    p5 += run;
    p6 += run;
    p7 += run;
    if (p0 === rings[1]) p0 = rings[0]!;
    if (p1 === rings[3]) p1 = rings[2]!;
    if (p2 === rings[5]) p2 = rings[4]!;
    if (p3 === rings[7]) p3 = rings[6]!;
    if (p4 === rings[9]) p4 = rings[8]!;
    if (p5 === rings[11]) p5 = rings[10]!;
    if (p6 === rings[13]) p6 = rings[12]!;
    if (p7 === rings[15]) p7 = rings[14]!;
  }
  pos[0] = p0;
  pos[1] = p1;
  pos[2] = p2;
  pos[3] = p3;
  pos[4] = p4;
  pos[5] = p5;
  pos[6] = p6;
  pos[7] = p7;
  lowpass[0] = g0;
  lowpass[1] = g1;
  lowpass[2] = g2;
  lowpass[3] = g3;
  lowpass[4] = g4;
  lowpass[5] = g5;
  lowpass[6] = g6;
  lowpass[7] = g7;
}

/** The four allpasses in series, sample by sample, so the tail makes one trip through memory. */
function allpasses(m: Float64Array, bank: Bank, out: number, n: number, c: Float64Array): void {
  const { rings, pos } = bank;
  const at = out & 0x3fffffff;
  const r = 2 * COMBS;
  let p0 = pos[COMBS]!;
  let p1 = pos[COMBS + 1]!;
  let p2 = pos[COMBS + 2]!;
  let p3 = pos[COMBS + 3]!;
  const g = c[C_ALLPASS]!;
  let i = 0;
  while (i < n) {
    const run = Math.min(n - i, rings[r + 1]! - p0, rings[r + 3]! - p1, rings[r + 5]! - p2, rings[r + 7]! - p3);
    const stop = (i + run) & 8191;
    const q0 = (p0 - i) & 0x3fffffff;
    const q1 = (p1 - i) & 0x3fffffff;
    const q2 = (p2 - i) & 0x3fffffff;
    const q3 = (p3 - i) & 0x3fffffff;
    for (; i < stop; i++) {
      // Freeverb's allpass: out = delayed − in, delayed line fed with in + g · delayed.
      let x = m[at + i]!;
      let d = m[q0 + i]!;
      m[q0 + i] = x + d * g;
      x = d - x;
      d = m[q1 + i]!;
      m[q1 + i] = x + d * g;
      x = d - x;
      d = m[q2 + i]!;
      m[q2 + i] = x + d * g;
      x = d - x;
      d = m[q3 + i]!;
      m[q3 + i] = x + d * g;
      m[at + i] = d - x;
    }
    p0 += run;
    p1 += run;
    p2 += run;
    p3 += run;
    if (p0 === rings[r + 1]) p0 = rings[r]!;
    if (p1 === rings[r + 3]) p1 = rings[r + 2]!;
    if (p2 === rings[r + 5]) p2 = rings[r + 4]!;
    if (p3 === rings[r + 7]) p3 = rings[r + 6]!;
  }
  pos[COMBS] = p0;
  pos[COMBS + 1] = p1;
  pos[COMBS + 2] = p2;
  pos[COMBS + 3] = p3;
}

/**
 * Both sides' four allpasses in series and Freeverb's output stage, in one loop over the piece,
 * so the tails make no extra trip through memory and the loop's overhead is paid once. Width
 * crossfeeds the two tails (wet2 is 0 at full width).
 */
function allpassesAndMix(
  m: Float64Array,
  bankL: Bank,
  bankR: Bank,
  ioL: Float32Array,
  ioR: Float32Array,
  start: number,
  n: number,
  c: Float64Array,
): void {
  const wet1 = c[C_WET1]!;
  const wet2 = c[C_WET2]!;
  const dry = c[C_DRY]!;
  const ringsL = bankL.rings;
  const ringsR = bankR.rings;
  const posL = bankL.pos;
  const posR = bankR.pos;
  const r = 2 * COMBS;
  let p0 = posL[COMBS]!;
  let p1 = posL[COMBS + 1]!;
  let p2 = posL[COMBS + 2]!;
  let p3 = posL[COMBS + 3]!;
  let p4 = posR[COMBS]!;
  let p5 = posR[COMBS + 1]!;
  let p6 = posR[COMBS + 2]!;
  let p7 = posR[COMBS + 3]!;
  const g = c[C_ALLPASS]!;
  const outL = OUT_L & 0x3fffffff;
  const outR = OUT_R & 0x3fffffff;
  let i = 0;
  while (i < n) {
    const run = Math.min(
      n - i,
      Math.min(ringsL[r + 1]! - p0, ringsL[r + 3]! - p1, ringsL[r + 5]! - p2, ringsL[r + 7]! - p3),
      Math.min(ringsR[r + 1]! - p4, ringsR[r + 3]! - p5, ringsR[r + 5]! - p6, ringsR[r + 7]! - p7),
    );
    const stop = (i + run) & 8191;
    const q0 = (p0 - i) & 0x3fffffff;
    const q1 = (p1 - i) & 0x3fffffff;
    const q2 = (p2 - i) & 0x3fffffff;
    const q3 = (p3 - i) & 0x3fffffff;
    const q4 = (p4 - i) & 0x3fffffff;
    const q5 = (p5 - i) & 0x3fffffff;
    const q6 = (p6 - i) & 0x3fffffff;
    const q7 = (p7 - i) & 0x3fffffff;
    const io = start & 0x3fffffff;
    for (; i < stop; i++) {
      // Freeverb's allpass: out = delayed − in, delayed line fed with in + g · delayed.
      let x = m[outL + i]!;
      let y = m[outR + i]!;
      let d = m[q0 + i]!;
      let e = m[q4 + i]!;
      m[q0 + i] = x + d * g;
      m[q4 + i] = y + e * g;
      x = d - x;
      y = e - y;
      d = m[q1 + i]!;
      e = m[q5 + i]!;
      m[q1 + i] = x + d * g;
      m[q5 + i] = y + e * g;
      x = d - x;
      y = e - y;
      d = m[q2 + i]!;
      e = m[q6 + i]!;
      m[q2 + i] = x + d * g;
      m[q6 + i] = y + e * g;
      x = d - x;
      y = e - y;
      d = m[q3 + i]!;
      e = m[q7 + i]!;
      m[q3 + i] = x + d * g;
      m[q7 + i] = y + e * g;
      const l = d - x;
      const rt = e - y;
      ioL[io + i] = l * wet1 + rt * wet2 + ioL[io + i]! * dry;
      ioR[io + i] = rt * wet1 + l * wet2 + ioR[io + i]! * dry;
    }
    p0 += run;
    p1 += run;
    p2 += run;
    p3 += run;
    p4 += run;
    p5 += run;
    p6 += run;
    p7 += run;
    if (p0 === ringsL[r + 1]) p0 = ringsL[r]!;
    if (p1 === ringsL[r + 3]) p1 = ringsL[r + 2]!;
    if (p2 === ringsL[r + 5]) p2 = ringsL[r + 4]!;
    if (p3 === ringsL[r + 7]) p3 = ringsL[r + 6]!;
    if (p4 === ringsR[r + 1]) p4 = ringsR[r]!;
    if (p5 === ringsR[r + 3]) p5 = ringsR[r + 2]!;
    if (p6 === ringsR[r + 5]) p6 = ringsR[r + 4]!;
    if (p7 === ringsR[r + 7]) p7 = ringsR[r + 6]!;
  }
  posL[COMBS] = p0;
  posL[COMBS + 1] = p1;
  posL[COMBS + 2] = p2;
  posL[COMBS + 3] = p3;
  posR[COMBS] = p4;
  posR[COMBS + 1] = p5;
  posR[COMBS + 2] = p6;
  posR[COMBS + 3] = p7;
}

/** Delays `x[0..n)` in place through the ring `line`; returns the new ring index. */
function delayInPlace(x: Float64Array, n: number, line: Float64Array, index: number): number {
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
