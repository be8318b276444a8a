/**
 * The built-in voice's acoustic model as an ONNX graph: tokens int64 [1,N], durations int64 [1,N]
 * (frames per token) and f0 float32 [1,T] in, mel float32 [1,T,128] (natural-log magnitude) out.
 *
 * 1. Length regulator in O(N + T): scatter-add a one at each token's start frame into a zero [T+1]
 *    vector, cumulative-sum it and subtract one, giving each frame its token index (a zero-length
 *    token is skipped because the next token starts on the same frame).
 * 2. Each frame gathers its phoneme's envelopes from the formant tables (ENVELOPE_STEPS per phoneme,
 *    so diphthongs glide and stops go closure-then-burst) and interpolates between neighbouring steps
 *    by its position inside the token; the voiced and the noise part are looked up separately.
 * 3. Coarticulation: a 5-tap Hann smoothing along time (≈ 35 ms at half height, a depthwise Conv
 *    over [1,128,T] with edge padding), so formants glide from one phoneme into the next.
 * 4. Pitch correction of the voiced part: where a mel bin is wider than f0, several harmonics share
 *    it and a real mel reads higher by Δ/f0 (see MEL_PER_HARMONIC); adding ln(max(1, Δ/f0)) keeps
 *    the output on DiffSinger's scale and lets the vocoder recover the intended harmonic amplitudes.
 *    Then mel = ln(max(voice + noise, 1e-5)), DiffSinger's floor.
 *
 * Voicing is carried by the envelope alone, since the vocoder sees only mel and f0: unvoiced
 * consonants keep their low band (below ~700 Hz) near the mel floor, and the vocoder turns such
 * frames into noise instead of harmonics (VOICING in vocoder-graph.ts).
 */
import { GraphBuilder, tensorAttr, type Value } from "../onnx/graph";
import { type Ops, opsFor } from "../onnx/ops";
import { DEFAULT_PHONEMES, ENVELOPE_STEPS, envelopeTables } from "./formants";
import { MEL_BIN_SPACING_HZ, MEL_FLOOR, NUM_MEL_BINS } from "./mel";

/** Smoothing kernel: Hann of length 7 without its zero end points. */
export const SMOOTHING_KERNEL = [0.25, 0.75, 1, 0.75, 0.25].map((w) => w / 3);
/** f0 below this (or unvoiced) counts as this for the pitch correction, so it stays bounded. */
const MIN_CORRECTION_F0 = 50;

export type LengthRegulation = {
  /** Token index of every frame, int64 [T]. */
  tokenOfFrame: Value;
  /** Each frame's position inside its token, float32 [T] in (0, 1). */
  position: Value;
};

/** Frame → token index and position inside the token, from durations [N] and the frame count T ([1] int64). */
export function lengthRegulator(g: GraphBuilder, o: Ops, durations: Value, frames: Value): LengthRegulation {
  const dur = o.max(durations, g.int64(0));
  const starts = o.sub(o.cumsum(dur, 0), dur); // [N] exclusive prefix sums
  const zeros = g.op("ConstantOfShape", [o.add(frames, g.int64([1]))], { value: tensorAttr(new BigInt64Array([0n]), [1]) });
  const ones = g.op("ConstantOfShape", [o.shape(starts)], { value: tensorAttr(new BigInt64Array([1n]), [1]) });
  const marks = g.op("ScatterElements", [zeros, o.min(starts, frames), ones], { axis: 0, reduction: "add" });
  const tokenOfFrame = o.sub(o.cumsum(o.slice(marks, 0, frames, 0), 0), g.int64(1)); // [T]

  const frame = g.op("Range", [g.int64(0), o.squeeze(frames, [0]), g.int64(1)]);
  const into = o.cast(o.sub(frame, o.gather(starts, tokenOfFrame)), "float32");
  const length = o.cast(o.max(o.gather(dur, tokenOfFrame), g.int64(1)), "float32");
  const position = o.div(o.add(into, g.float(0.5)), length);
  return { tokenOfFrame, position };
}

/**
 * The default voice's ln mel [1,T,128] for phoneme ids [N] (DEFAULT_PHONEMES order), durations [N]
 * and f0 [T]; shared with the test voice, which maps its own tokens onto these ids first.
 */
export function acousticCore(g: GraphBuilder, o: Ops, phonemeIds: Value, durations: Value, f0: Value): { mel: Value; regulation: LengthRegulation } {
  const frames = o.dim(f0, 0);
  const regulation = lengthRegulator(g, o, durations, frames);
  const phonemeOfFrame = o.gather(phonemeIds, regulation.tokenOfFrame); // [T]

  const step = o.clip(o.sub(o.mul(regulation.position, g.float(ENVELOPE_STEPS)), g.float(0.5)), 0, ENVELOPE_STEPS - 1);
  const step0 = o.floor(step);
  const w = o.unsqueeze(o.sub(step, step0), [1]); // [T,1]
  const s0 = o.cast(step0, "int64");
  const s1 = o.min(o.add(s0, g.int64(1)), g.int64(ENVELOPE_STEPS - 1));
  const base = o.mul(phonemeOfFrame, g.int64(ENVELOPE_STEPS));
  const rows = DEFAULT_PHONEMES.length * ENVELOPE_STEPS;
  const tables = envelopeTables();

  /** A table's envelope per frame [T,128], interpolated between steps and smoothed along time, as [1,T,128]. */
  const track = (data: Float32Array): Value => {
    const table = g.const(data, [rows, NUM_MEL_BINS]);
    const e0 = o.gather(table, o.add(base, s0));
    const e1 = o.gather(table, o.add(base, s1));
    const env = o.add(e0, o.mul(w, o.sub(e1, e0))); // [T,128]
    const channelsFirst = o.unsqueeze(o.transpose(env, [1, 0]), [0]); // [1,128,T]
    const padded = g.op("Pad", [channelsFirst, g.int64([0, 0, half, 0, 0, half])], { mode: "edge" });
    const smoothed = g.op("Conv", [padded, kernel], { group: NUM_MEL_BINS, kernel_shape: [taps] });
    return o.transpose(smoothed, [0, 2, 1]); // [1,T,128]
  };
  const taps = SMOOTHING_KERNEL.length;
  const half = (taps - 1) / 2;
  const kernelData = new Float32Array(NUM_MEL_BINS * taps);
  for (let c = 0; c < NUM_MEL_BINS; c++) kernelData.set(SMOOTHING_KERNEL, c * taps);
  const kernel = g.const(kernelData, [NUM_MEL_BINS, 1, taps]);

  const lnSpacing = g.float(Float32Array.from(MEL_BIN_SPACING_HZ, Math.log), [1, 1, NUM_MEL_BINS]);
  const lnF0 = o.log(o.max(o.unsqueeze(f0, [0, 2]), g.float(MIN_CORRECTION_F0))); // [1,T,1]
  const correction = g.op("Relu", [o.sub(lnSpacing, lnF0)]);
  const voice = o.exp(o.add(track(tables.voice), correction));
  const noise = o.exp(track(tables.noise));
  const mel = o.log(o.max(o.add(voice, noise), g.float(MEL_FLOOR)));
  return { mel, regulation };
}

export function buildAcousticGraph(): GraphBuilder {
  const g = new GraphBuilder("mini_studio_default_acoustic", "Mini Studio default voice: formant-table acoustic model (generated)");
  const o = opsFor(g);
  const tokens = g.input("tokens", "int64", [1, "n_tokens"]);
  const durations = g.input("durations", "int64", [1, "n_tokens"]);
  const f0 = g.input("f0", "float32", [1, "n_frames"]);
  // OpenUtau feeds every DiffSinger acoustic model `speedup` (or `steps`); this one has no
  // diffusion to speed up, so it takes the input and leaves it unused.
  g.input("speedup", "int64", []);
  const { mel } = acousticCore(g, o, o.squeeze(tokens, [0]), o.squeeze(durations, [0]), o.squeeze(f0, [0]));
  g.output(mel, "mel", "float32", [1, "n_frames", NUM_MEL_BINS]);
  return g;
}

/** The acoustic model's bytes (acoustic.onnx). */
export function buildAcousticModel(): Uint8Array {
  return buildAcousticGraph().encode();
}
