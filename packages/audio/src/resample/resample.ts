import { type AudioBuffer } from "../types";
import { buildBank, type FilterBank, kernelDesign, type ResampleQuality } from "./kaiser-sinc";

export { type ResampleQuality } from "./kaiser-sinc";

export type ResampleOptions = {
  /** "high" (default): 100 dB stop band, 72 taps a side, pass band to 0.455 fs. */
  quality?: ResampleQuality;
};

export type ResampleByRatioOptions = ResampleOptions & {
  /** Frames to produce; round(input.length · ratio) when omitted. */
  outputLength?: number;
  /**
   * Relative error allowed in the ratio (default 1e-12). When a fraction with at most 1024 output
   * phases comes within it, that fraction is used: an exact filter bank, half the work of blending
   * two rows per output. 1e-6 moves a pitch by 0.002 cents.
   */
  ratioTolerance?: number;
};

/** Ratios that are a fraction with at most this many output phases get an exact polyphase bank. */
const MAX_EXACT_PHASES = 1024;

/**
 * Converts every channel to `targetRate` by band-limited interpolation (Kaiser-windowed sinc).
 * The result has round(frames · targetRate / sampleRate) frames; output frame j sits at input time
 * j · sampleRate / targetRate, so the two stay aligned from the first frame. Beyond the ends the
 * input is held at its first and last value, so DC stays exact to the edges.
 */
export function resample(audio: AudioBuffer, targetRate: number, options: ResampleOptions = {}): AudioBuffer {
  if (!Number.isFinite(targetRate) || targetRate <= 0) throw new RangeError(`target rate must be positive, got ${targetRate}`);
  const from = audio.sampleRate;
  if (targetRate === from) return { sampleRate: from, channels: audio.channels.map((c) => c.slice()) };
  const frames = audio.channels[0]?.length ?? 0;
  const outputLength = Math.round((frames * targetRate) / from);
  const plan = planConversion(targetRate / from, options.quality ?? "high", exactFraction(from, targetRate));
  return { sampleRate: targetRate, channels: audio.channels.map((c) => runPlan(plan, c, outputLength)) };
}

/**
 * Resamples one channel by `ratio` output frames per input frame (2 doubles the length). Output
 * frame j sits at input time j / ratio. Used where the ratio is not a ratio of sample rates, as in
 * pitch shifting.
 */
export function resampleByRatio(input: Float32Array, ratio: number, options: ResampleByRatioOptions = {}): Float32Array {
  if (!Number.isFinite(ratio) || ratio <= 0) throw new RangeError(`ratio must be positive, got ${ratio}`);
  const outputLength = options.outputLength ?? Math.round(input.length * ratio);
  if (!Number.isInteger(outputLength) || outputLength < 0) throw new RangeError(`output length must be a whole number, got ${outputLength}`);
  if (ratio === 1) return outputLength === input.length ? input.slice() : holdCopy(input, outputLength);
  const fraction = approximateFraction(ratio, options.ratioTolerance ?? 1e-12);
  return runPlan(planConversion(fraction ? fraction.up / fraction.down : ratio, options.quality ?? "high", fraction), input, outputLength);
}

type Fraction = { up: number; down: number };

type Plan =
  /** Output frame j at input time j·down/up exactly: row (j·down mod up) of an `up`-row bank. */
  | { kind: "exact"; bank: FilterBank; up: number; down: number }
  /** Output frame j at input time j·step: two neighbouring rows of a bank, blended linearly. */
  | { kind: "interpolated"; bank: FilterBank; step: number; phases: number };

function planConversion(ratio: number, quality: ResampleQuality, fraction: Fraction | null): Plan {
  const design = kernelDesign(quality);
  // Downsampling: the kernel widens by 1/ratio so its cutoff follows the output's Nyquist.
  const scale = Math.min(1, ratio);
  if (fraction && fraction.up <= MAX_EXACT_PHASES) {
    return { kind: "exact", bank: buildBank(design, scale, fraction.up, fraction.up), up: fraction.up, down: fraction.down };
  }
  return { kind: "interpolated", bank: buildBank(design, scale, design.phases, design.phases + 1), step: 1 / ratio, phases: design.phases };
}

function runPlan(plan: Plan, input: Float32Array, outputLength: number): Float32Array {
  const out = new Float32Array(outputLength);
  if (input.length === 0) return out;
  if (plan.kind === "exact") runExact(input, out, plan.bank, plan.up, plan.down);
  else runInterpolated(input, out, plan.bank, plan.step, plan.phases);
  return out;
}

function runExact(x: Float32Array, out: Float32Array, bank: FilterBank, up: number, down: number): void {
  const { taps, coefs } = bank;
  const n = x.length;
  const lead = taps / 2 - 1;
  const stepWhole = Math.floor(down / up);
  const stepRows = down % up;
  let centre = 0;
  let row = 0;
  for (let j = 0; j < out.length; j++) {
    const base = centre - lead;
    const off = row * taps;
    const inside = base >= 0 && base + taps <= n;
    out[j] = inside ? dot(x, base, coefs, off, taps) : edgeDot(x, base, coefs, off, taps);
    centre += stepWhole;
    row += stepRows;
    if (row >= up) {
      row -= up;
      centre++;
    }
  }
}

function runInterpolated(x: Float32Array, out: Float32Array, bank: FilterBank, step: number, phases: number): void {
  const { taps, coefs } = bank;
  const n = x.length;
  const lead = taps / 2 - 1;
  for (let j = 0; j < out.length; j++) {
    const t = j * step;
    const centre = Math.floor(t);
    const position = (t - centre) * phases;
    const row = Math.min(phases - 1, Math.floor(position));
    const f = position - row;
    const base = centre - lead;
    const offA = row * taps;
    const offB = offA + taps;
    const inside = base >= 0 && base + taps <= n;
    const a = inside ? dot(x, base, coefs, offA, taps) : edgeDot(x, base, coefs, offA, taps);
    const b = inside ? dot(x, base, coefs, offB, taps) : edgeDot(x, base, coefs, offB, taps);
    out[j] = a + f * (b - a);
  }
}

/**
 * Σ x[base + k] · coefs[off + k] for k < taps (taps is even). Four partial sums break the chain of
 * dependent additions, which otherwise bounds the loop by the adder's latency.
 */
function dot(x: Float32Array, base: number, coefs: Float64Array, off: number, taps: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let xi = base;
  let ci = off;
  const end4 = off + (taps & ~3);
  for (; ci < end4; ci += 4, xi += 4) {
    s0 += x[xi]! * coefs[ci]!;
    s1 += x[xi + 1]! * coefs[ci + 1]!;
    s2 += x[xi + 2]! * coefs[ci + 2]!;
    s3 += x[xi + 3]! * coefs[ci + 3]!;
  }
  if (ci < off + taps) {
    s0 += x[xi]! * coefs[ci]!;
    s1 += x[xi + 1]! * coefs[ci + 1]!;
  }
  return s0 + s1 + (s2 + s3);
}

/** The dot product near the ends, where the input is held at its first and last sample. */
function edgeDot(x: Float32Array, base: number, coefs: Float64Array, off: number, taps: number): number {
  const last = x.length - 1;
  let acc = 0;
  for (let k = 0; k < taps; k++) {
    const i = base + k;
    acc += x[i < 0 ? 0 : i > last ? last : i]! * coefs[off + k]!;
  }
  return acc;
}

function holdCopy(input: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(input.subarray(0, Math.min(length, input.length)));
  if (length > input.length && input.length > 0) out.fill(input[input.length - 1]!, input.length);
  return out;
}

/** up/down in lowest terms when both rates are whole numbers (44100 → 48000 is 160/147). */
function exactFraction(from: number, to: number): Fraction | null {
  if (!Number.isInteger(from) || !Number.isInteger(to)) return null;
  const g = gcd(from, to);
  return { up: to / g, down: from / g };
}

/**
 * The fraction with the fewest output phases within `tolerance` of `ratio` (relative), trying
 * every phase count up to MAX_EXACT_PHASES; null when none is that close. With the default
 * tolerance, 0.5 or 160/147 passed as a float still get an exact bank.
 */
function approximateFraction(ratio: number, tolerance: number): Fraction | null {
  for (let up = 1; up <= MAX_EXACT_PHASES; up++) {
    const down = Math.round(up / ratio);
    if (down >= 1 && Math.abs(up / down - ratio) <= tolerance * ratio) return { up, down };
  }
  return null;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
