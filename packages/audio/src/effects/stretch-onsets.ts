// Transients for the phase vocoder: where they are, and a time map that plays them at their
// original speed. A phase vocoder renders a hit once per frame that contains it; when frames
// advance more slowly through the input than through the output, each copy lands at a different
// place and the hit smears into a pre-echo half a window long. Mapping a window's width around
// each hit with slope 1 makes every copy land on the same spot. The rest of the signal is
// stretched a little more to keep the total length exact. (The idea of not stretching transient
// regions is in J. Bonada, "Automatic technique in frequency domain for near-lossless time-scale
// modification of audio", ICMC 2000.)
import { type Fft } from "./stretch-fft";

/**
 * Onsets are peaks of log-compressed spectral flux, as in S. Böck and G. Widmer, "Maximum filter
 * vibrato suppression for onset detection", DAFx 2013 (without the maximum filter). This is the
 * knee of the compression: amplitudes well above −60 dB count by their log, quieter ones little.
 */
const LOG_GAIN = 1000;
/** A frame is an onset when its flux beats the local mean by this factor... */
const LOCAL_RATIO = 2;
/** ...and is at least this share of the flux of the strongest onset in the file. */
const GLOBAL_SHARE = 0.1;
/** Local mean and maximum over ± this many frames (± 0.19 s at 44.1 kHz). */
const NEIGHBOURHOOD = 8;

/**
 * Input positions (frames) of note onsets and hits, from the sum of the channels, with a
 * strength each. Analysis frames of `fft.size`, hop half of it; an onset's position is then
 * refined to the 64-frame block where the signal's treble energy jumps most.
 */
export function findOnsets(channels: Float32Array[], window: Float64Array, fft: Fft): { at: number; strength: number }[] {
  const n = fft.size;
  const len = channels[0]?.length ?? 0;
  const hop = n / 2;
  const bins = n / 2 + 1;
  const frames = Math.ceil(len / hop) + 1;
  const flux = new Float64Array(frames);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const magA = new Float64Array(bins);
  const magB = new Float64Array(bins);
  const prev = new Float64Array(bins);
  // |X| · 2/n is a sine's amplitude; the packed transform gives 2|X|.
  const scale2 = ((LOG_GAIN / n) * LOG_GAIN) / n;
  // Two frames per FFT: frame t in the real part, frame t + 1 in the imaginary part.
  for (let t = 0; t < frames; t += 2) {
    loadSum(channels, t * hop - n / 2, window, re);
    loadSum(channels, (t + 1) * hop - n / 2, window, im);
    fft.forward(re, im);
    for (let k = 1; k < bins; k++) {
      const j = (n - k) & (n - 1);
      const ar = re[k]! + re[j]!;
      const ai = im[k]! - im[j]!;
      const br = im[k]! + im[j]!;
      const bi = re[j]! - re[k]!;
      // log(1 + g²|X|²) / 2 behaves like log(1 + g|X|) and needs no square root; ar, ai, br, bi
      // are twice the bins' values, which scale2 allows for.
      magA[k] = 0.5 * Math.log1p(scale2 * (ar * ar + ai * ai));
      magB[k] = 0.5 * Math.log1p(scale2 * (br * br + bi * bi));
    }
    flux[t] = t === 0 ? 0 : positiveRise(magA, prev);
    if (t + 1 < frames) flux[t + 1] = positiveRise(magB, magA);
    prev.set(magB);
  }

  let strongest = 0;
  const picked: { frame: number; strength: number }[] = [];
  for (let t = 1; t < frames; t++) {
    const f = flux[t]!;
    let mean = 0;
    let isMax = true;
    const lo = Math.max(1, t - NEIGHBOURHOOD);
    const hi = Math.min(frames - 1, t + NEIGHBOURHOOD);
    for (let u = lo; u <= hi; u++) {
      mean += flux[u]!;
      if (flux[u]! > f || (flux[u]! === f && u < t)) isMax = false;
    }
    mean /= hi - lo + 1;
    if (!isMax || f <= LOCAL_RATIO * mean) continue;
    picked.push({ frame: t, strength: f });
    strongest = Math.max(strongest, f);
  }
  return picked
    .filter((p) => p.strength >= GLOBAL_SHARE * strongest)
    .map((p) => ({ at: refineOnset(channels, p.frame * hop - n / 2, n), strength: p.strength }));
}

/**
 * The start of the 64-frame block in [start, start + n) where the energy of the first difference
 * (which weighs treble, so bass waveforms do not swamp it) rises most over the blocks before.
 */
function refineOnset(channels: Float32Array[], start: number, n: number): number {
  const block = 64;
  const len = channels[0]!.length;
  let best = Math.min(len, Math.max(0, start + n / 2));
  let bestRatio = 0;
  let before = 0;
  for (let b = start; b < start + n; b += block) {
    let e = 0;
    for (const ch of channels) {
      for (let i = Math.max(1, b); i < Math.min(len, b + block); i++) {
        const d = ch[i]! - ch[i - 1]!;
        e += d * d;
      }
    }
    // Against a decaying memory of the blocks before, so one quiet block does not count as a rise.
    const ratio = e / (before + 1e-12);
    if (b > start && ratio > bestRatio) {
      bestRatio = ratio;
      best = Math.min(len, Math.max(0, b));
    }
    before = Math.max(e, 0.5 * before + 0.5 * e);
  }
  return best;
}

function positiveRise(cur: Float64Array, prev: Float64Array): number {
  let sum = 0;
  for (let k = 1; k < cur.length; k++) {
    const rise = cur[k]! - prev[k]!;
    if (rise > 0) sum += rise;
  }
  return sum;
}

function loadSum(channels: Float32Array[], start: number, window: Float64Array, out: Float64Array): void {
  const n = out.length;
  out.fill(0);
  const from = Math.max(0, -start);
  for (const ch of channels) {
    const to = Math.min(n, ch.length - start);
    for (let i = from; i < to; i++) out[i]! += ch[start + i]! * window[i]!;
  }
}

/** A piecewise-linear map from output to input position. */
export type TimeMap = {
  /** Breakpoints: output positions (increasing) and the input positions they map to. */
  outAt: Float64Array;
  inAt: Float64Array;
  /** Output frames per input frame outside the onset regions. */
  slope: number;
  /** Input positions of the onsets kept, increasing. */
  onsets: number[];
};

/**
 * The map for stretching inLength frames to outLength: slope 1 over [onset − reach, onset + reach]
 * for each onset kept, and one common slope elsewhere. Weaker onsets are dropped while that slope
 * (output frames per input frame) would be more than twice or less than half the overall one, or
 * outside [0.25, 4].
 */
export function buildTimeMap(inLength: number, outLength: number, onsets: { at: number; strength: number }[], reach: number): TimeMap {
  const alpha = outLength / inLength;
  const minSlope = Math.max(0.25, alpha / 2);
  const maxSlope = Math.min(4, alpha * 2);
  // Strongest first: drop from the weak end until the rest fits.
  let kept = [...onsets].sort((a, b) => b.strength - a.strength);
  for (;;) {
    const plan = regions(kept.map((o) => o.at).sort((a, b) => a - b), inLength, reach);
    const locked = plan.reduce((s, [a, b]) => s + (b - a), 0);
    const slope = locked < inLength && outLength > locked ? (outLength - locked) / (inLength - locked) : Number.NaN;
    if (kept.length === 0 || (slope >= minSlope && slope <= maxSlope)) {
      return mapFrom(plan, inLength, outLength, kept.length === 0 ? alpha : slope, kept.map((o) => o.at).sort((a, b) => a - b));
    }
    kept = kept.slice(0, Math.floor(kept.length * 0.8));
  }
}

/** Merged [start, end) input ranges of width 2·reach around each onset, inside [0, inLength]. */
function regions(sorted: number[], inLength: number, reach: number): [number, number][] {
  const out: [number, number][] = [];
  for (const at of sorted) {
    const a = Math.max(0, at - reach);
    const b = Math.min(inLength, at + reach);
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function mapFrom(plan: [number, number][], inLength: number, outLength: number, slope: number, onsets: number[]): TimeMap {
  const outAt: number[] = [0];
  const inAt: number[] = [0];
  let i = 0;
  let o = 0;
  for (const [a, b] of plan) {
    o += (a - i) * slope;
    outAt.push(o);
    inAt.push(a);
    o += b - a;
    outAt.push(o);
    inAt.push(b);
    i = b;
  }
  outAt.push(outLength);
  inAt.push(inLength);
  return { outAt: Float64Array.from(outAt), inAt: Float64Array.from(inAt), slope, onsets };
}

/**
 * Reads a map at increasing output positions: `at(x)` for x increasing from call to call.
 * Before 0 and past the end it goes on at the stretched slope, so frames there keep advancing.
 */
export function mapReader(map: TimeMap): (outPos: number) => number {
  const { outAt, inAt, slope } = map;
  const end = outAt.length - 1;
  let seg = 0;
  return (x) => {
    if (x <= 0) return x / slope;
    if (x >= outAt[end]!) return inAt[end]! + (x - outAt[end]!) / slope;
    while (seg < end - 1 && x >= outAt[seg + 1]!) seg++;
    const o0 = outAt[seg]!;
    const d = outAt[seg + 1]! - o0;
    const i0 = inAt[seg]!;
    return d > 0 ? i0 + ((x - o0) * (inAt[seg + 1]! - i0)) / d : i0;
  };
}
