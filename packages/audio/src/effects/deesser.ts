import { z } from "zod";
import { type BiquadCoeffs, clampFreq, designBiquad, runSection, runSectionPair } from "./biquad";
import { streamingEffect } from "./define";
import { computeGains, type GainCurve, LevelBuffer, scratch, timeCoeff } from "./gain-computer";

export const ZDeesserEffectSchema = z.object({
  type: z.literal("deesser"),
  freq_hz: z.number().min(2000).max(12_000).default(6500).describe("where sibilance starts, in Hz: detected above it, and turned down by a high shelf that is half way down here"),
  threshold_db: z.number().min(-60).max(0).default(-30).describe("peak level in dBFS of the band above freq_hz at which the reduction starts"),
  ratio: z.number().min(1).max(20).default(4).describe("dB over the threshold per dB out, for the band above freq_hz"),
  range_db: z.number().min(0).max(24).default(8).describe("the most the high band is ever turned down, in dB"),
});

// Sibilants are short: the detector grabs them within a millisecond and lets go after a syllable.
const DEESS_ATTACK_MS = 1;
const DEESS_RELEASE_MS = 40;

// Frames per update of the de-esser's shelf: 0.36 ms at 44.1 kHz, finer than its 1 ms attack.
const SHELF_UPDATE_FRAMES = 16;
// Below this the shelf's state has rung out and the idle shelf (the identity) can be skipped.
const IDLE_STATE = 1e-12;

/**
 * De-esser: a dynamic high shelf, stereo-linked. The sidechain is an RBJ highpass at freq_hz (Q
 * 0.7071), so a tone four octaves below sits 48 dB down and never triggers it. Its peak drives the
 * gain computer (hard knee, reduction capped at range_db, 1 ms attack, 40 ms release), and the
 * reduction G sets an RBJ high shelf (S = 1, midpoint at freq_hz: G/2 there, G well above it),
 * redesigned every 16 frames. At rest the shelf is the identity and is skipped, so the output is
 * the input bit for bit; turned down, the shelf is monotonic: it never boosts and never cuts more
 * than range_db.
 */
export const deesserEffect = streamingEffect({
  type: "deesser",
  schema: ZDeesserEffectSchema,
  create(p, { sampleRate, channels: channelCount }) {
    const freqHz = clampFreq(p.freq_hz, sampleRate);
    const sidechain = designBiquad({ kind: "highpass", freqHz, sampleRate, q: Math.SQRT1_2 });
    const w0 = (2 * Math.PI * freqHz) / sampleRate;
    const cos = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
    const curve: GainCurve = {
      thresholdDb: p.threshold_db,
      slope: 1 - 1 / p.ratio,
      kneeDb: 0,
      maxReductionDb: p.range_db,
      attackCoeff: timeCoeff(DEESS_ATTACK_MS, sampleRate),
      releaseCoeff: timeCoeff(DEESS_RELEASE_MS, sampleRate),
      makeupDb: 0,
    };
    const detector = new Float64Array(2);
    const sidechainState = new Float64Array(channelCount * 2);
    const shelfState = new Float64Array(channelCount * 2);
    const shelf = new Float64Array(5);
    const level = new LevelBuffer();
    let gains: Float32Array = new Float32Array(0);
    let idle = true;
    return (channels, start, end) => {
      const n = end - start;
      const count = Math.min(channels.length, channelCount);
      if (n <= 0 || count === 0) return;
      level.ensure(n);
      gains = scratch(gains, n);
      level.values.fill(0, 0, n);
      for (let c = 0; c < count; c += 2) {
        if (c + 1 < count) highpassPeaksPair(channels[c]!, channels[c + 1]!, start, end, sidechain, sidechainState, c * 2, level.values);
        else highpassPeaks(channels[c]!, start, end, sidechain, sidechainState, c * 2, level.values);
      }
      if (!computeGains(level.bits, n, gains, detector, curve) && idle) return;
      for (let s = start; s < end; s += SHELF_UPDATE_FRAMES) {
        const e = Math.min(end, s + SHELF_UPDATE_FRAMES);
        const g = gains[e - 1 - start]!;
        if (g === 1 && idle) continue;
        // g = 10^(−G/20) is the gain well above freq_hz, so the cookbook's A = 10^(−G/40) is √g.
        highShelf(Math.sqrt(g), cos, alpha, shelf);
        for (let c = 0; c < count; c += 2) {
          if (c + 1 < count) runSectionPair(channels[c]!, channels[c + 1]!, s, e, shelf, 0, shelfState, c * 2, c * 2 + 2);
          else runSection(channels[c]!, s, e, shelf, 0, shelfState, c * 2);
        }
        if (g === 1 && rungOut(shelfState)) {
          idle = true;
          shelfState.fill(0);
        } else idle = false;
      }
    };
  },
});

function rungOut(state: Float64Array): boolean {
  for (let i = 0; i < state.length; i++) if (Math.abs(state[i]!) >= IDLE_STATE) return false;
  return true;
}

/** RBJ Audio EQ Cookbook high shelf for a given A, normalised by a0, into out = [b0, b1, b2, a1, a2]. */
function highShelf(A: number, cos: number, alpha: number, out: Float64Array): void {
  const k = 2 * Math.sqrt(A) * alpha;
  const a0 = A + 1 - (A - 1) * cos + k;
  out[0] = (A * (A + 1 + (A - 1) * cos + k)) / a0;
  out[1] = (-2 * A * (A - 1 + (A + 1) * cos)) / a0;
  out[2] = (A * (A + 1 + (A - 1) * cos - k)) / a0;
  out[3] = (2 * (A - 1 - (A + 1) * cos)) / a0;
  out[4] = (A + 1 - (A - 1) * cos - k) / a0;
}

/** The sidechain: |highpass(x)| frame by frame, raising peaks[0, end − start) to it. */
function highpassPeaks(ch: Float32Array, start: number, end: number, hp: BiquadCoeffs, state: Float64Array, si: number, peaks: Float32Array): void {
  const { b0, b1, b2, a1, a2 } = hp;
  let z1 = state[si]!;
  let z2 = state[si + 1]!;
  for (let i = start, o = 0; i < end; i++, o++) {
    const x = ch[i]!;
    const y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    const a = y < 0 ? -y : y;
    if (a > peaks[o]!) peaks[o] = a;
  }
  state[si] = Math.abs(z1) < 1e-30 ? 0 : z1;
  state[si + 1] = Math.abs(z2) < 1e-30 ? 0 : z2;
}

/** highpassPeaks on two channels at once; state at si and si + 2. */
function highpassPeaksPair(
  chA: Float32Array,
  chB: Float32Array,
  start: number,
  end: number,
  hp: BiquadCoeffs,
  state: Float64Array,
  si: number,
  peaks: Float32Array,
): void {
  const { b0, b1, b2, a1, a2 } = hp;
  let p1 = state[si]!;
  let p2 = state[si + 1]!;
  let q1 = state[si + 2]!;
  let q2 = state[si + 3]!;
  for (let i = start, o = 0; i < end; i++, o++) {
    const x = chA[i]!;
    const u = chB[i]!;
    const y = b0 * x + p1;
    const v = b0 * u + q1;
    p1 = b1 * x - a1 * y + p2;
    q1 = b1 * u - a1 * v + q2;
    p2 = b2 * x - a2 * y;
    q2 = b2 * u - a2 * v;
    const ay = y < 0 ? -y : y;
    const av = v < 0 ? -v : v;
    const a = ay > av ? ay : av;
    if (a > peaks[o]!) peaks[o] = a;
  }
  state[si] = Math.abs(p1) < 1e-30 ? 0 : p1;
  state[si + 1] = Math.abs(p2) < 1e-30 ? 0 : p2;
  state[si + 2] = Math.abs(q1) < 1e-30 ? 0 : q1;
  state[si + 3] = Math.abs(q2) < 1e-30 ? 0 : q2;
}
