/**
 * The built-in harmonic-plus-noise vocoder as an ONNX graph: mel [1,T,128] (natural-log magnitude,
 * DiffSinger's scale) and f0 [1,T] (Hz, ≤ 0 = unvoiced) in, waveform [1,T·512] at 44.1 kHz out.
 *
 * Harmonic part: harmonics k = 1..64 of f0 below the maximum voiced frequency; each one's
 * amplitude is the mel envelope read at its fractional mel bin and converted from mel value to
 * amplitude (see MEL_PER_HARMONIC), scaled by a per-frame voicing degree. Noise part: a constant
 * band-split noise loop, each band weighted per frame by the envelope's mean in that band — fully
 * above the maximum voiced frequency, and below it in proportion to how unvoiced the frame is.
 *
 * Voicing. DiffSinger's f0 stays positive through consonants, so the vocoder judges voicing from the
 * envelope itself: the log ratio of low-band (100–700 Hz) to high-band (1.5–7 kHz) energy. Vowels,
 * nasals and liquids are strongly low-heavy; fricatives and bursts have almost nothing below 700 Hz.
 * This is why the acoustic model keeps unvoiced consonants' low band near the mel floor.
 *
 * Time: every per-frame quantity is linearly interpolated to samples within its frame (frame t sits
 * at sample t·512, as a centred STFT puts it). Phase: per-frame cycle offsets are accumulated in
 * float64 and wrapped to [0, 1) before the per-sample ramp is added, so float32 keeps phase accurate
 * for signals of any length. Samples are laid out [T, 512] throughout, and harmonics are summed in
 * groups so the largest tensors are [T, 512, group] rather than [T·512, 64].
 */
import { GraphBuilder, type Value } from "../onnx/graph";
import { opsFor } from "../onnx/ops";
import { bandMask, bandNoiseTable } from "./noise";
import {
  HOP_SIZE,
  MEL_BIN_HZ,
  MEL_OF_BIN0,
  MEL_PER_HARMONIC,
  MEL_PER_UNIT_NOISE,
  MEL_STEP,
  NUM_MEL_BINS,
  SAMPLE_RATE,
  SLANEY,
} from "./mel";

export const HARMONICS = 64;
export const HARMONIC_GROUP = 16;
/** Harmonics fade out between MAX_VOICED_HZ − VOICED_TAPER_HZ and MAX_VOICED_HZ; noise carries the band above. */
export const MAX_VOICED_HZ = 5500;
export const VOICED_TAPER_HZ = 600;
/** Noise band edges (Hz). Bands ending at or below MAX_VOICED_HZ give way to harmonics in voiced frames. */
export const NOISE_BAND_EDGES = [40, 600, 1200, 2000, 3000, 4200, 5500, 7500, 10000, 13000, 16000] as const;
/** Noise loop length: 2^17 samples ≈ 3 s, longer than any sustained breath or fricative. */
export const NOISE_TABLE_LENGTH = 1 << 17;

/**
 * Voicing degree v = clamp(0.5 + (ln E_low − ln E_high − center) / width, 0, 1), where E are the
 * mean linear mel values in the two bands. Aspiration: even fully voiced frames keep this much of
 * the noise below MAX_VOICED_HZ, for a little air in the tone.
 */
export const VOICING = { lowBand: [100, 700], highBand: [1500, 7000], center: -0.5, width: 3, aspiration: 0.05 } as const;

/**
 * Output samples above LIMIT_KNEE are soft-limited (a tanh knee) towards LIMIT_CEILING, so the
 * output never clips however loud the mel; HiFi-GAN ends in tanh likewise. Below the knee the
 * signal passes unchanged.
 */
export const LIMIT_KNEE = 0.5;
export const LIMIT_CEILING = 0.99;

/** The voicing degree the graph computes for one linear mel frame (a reference for tests and tools). */
export function voicingOf(linearMel: ArrayLike<number>): number {
  const mean = ([lo, hi]: readonly [number, number]) => {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < NUM_MEL_BINS; j++) {
      const f = MEL_BIN_HZ[j] as number;
      if (f >= lo && f < hi) {
        sum += linearMel[j] as number;
        n++;
      }
    }
    return sum / n;
  };
  const r = Math.log(Math.max(mean(VOICING.lowBand), 1e-9)) - Math.log(Math.max(mean(VOICING.highBand), 1e-9));
  return Math.min(1, Math.max(0, 0.5 + (r - VOICING.center) / VOICING.width));
}

/** [128, bands] matrix whose column b averages the mel bins by band b's weights. */
function bandAverages(weight: (f: number, band: number) => number, bands: number): Float32Array {
  const w = new Float32Array(NUM_MEL_BINS * bands);
  for (let b = 0; b < bands; b++) {
    let sum = 0;
    for (let j = 0; j < NUM_MEL_BINS; j++) sum += weight(MEL_BIN_HZ[j] as number, b);
    for (let j = 0; j < NUM_MEL_BINS; j++) w[j * bands + b] = weight(MEL_BIN_HZ[j] as number, b) / sum;
  }
  return w;
}

export function buildVocoderGraph(): GraphBuilder {
  const g = new GraphBuilder("mini_studio_hnm_vocoder", "Mini Studio harmonic-plus-noise vocoder (generated)");
  const o = opsFor(g);
  const K = HARMONICS;
  const bands = NOISE_BAND_EDGES.length - 1;

  const melIn = g.input("mel", "float32", [1, "n_frames", NUM_MEL_BINS]);
  const f0In = g.input("f0", "float32", [1, "n_frames"]);

  const env = o.exp(o.squeeze(melIn, [0])); // [T,128] linear mel
  const f0 = o.squeeze(f0In, [0]); // [T]
  const T = o.dim(f0, 0); // [1]
  const f0col = o.unsqueeze(f0, [1]); // [T,1]
  const f0pos = o.max(f0col, g.float(0)); // phase advances only when voiced
  const f0safe = o.max(f0col, g.float(1)); // a positive f0 for the per-harmonic arithmetic

  /** x with its next frame alongside: [T, ...] → frame t+1 (the last frame repeats). */
  const nextFrame = (x: Value): Value => {
    const tail = o.slice(x, 1, Number.MAX_SAFE_INTEGER, 0);
    const last = o.slice(x, -1, Number.MAX_SAFE_INTEGER, 0);
    return o.concat([tail, last], 0);
  };

  // --- voicing degree per frame [T,1] ---------------------------------------------------------
  const inBand = ([lo, hi]: readonly [number, number]) => (f: number) => (f >= lo && f < hi ? 1 : 0);
  const voicingW = bandAverages((f, b) => (b === 0 ? inBand(VOICING.lowBand)(f) : inBand(VOICING.highBand)(f)), 2);
  const bandLn = o.log(o.max(o.matmul(env, g.const(voicingW, [NUM_MEL_BINS, 2])), g.float(1e-9))); // [T,2]
  const ratio = o.matmul(bandLn, g.float([1, -1], [2, 1])); // [T,1]
  const vRaw = o.clip(o.add(o.mul(o.sub(ratio, g.float(VOICING.center)), g.float(1 / VOICING.width)), g.float(0.5)), 0, 1);
  const voiced = o.mul(vRaw, o.cast(o.greater(f0col, g.float(0)), "float32")); // [T,1]

  // --- harmonic amplitudes per frame [T,K] ------------------------------------------------------
  const k = g.float(Float32Array.from({ length: K }, (_, i) => i + 1), [1, K]);
  const fk = o.mul(f0safe, k); // [T,K] harmonic frequencies
  const below1k = o.less(fk, g.float(SLANEY.MIN_LOG_HZ));
  const melOfFk = o.where(
    below1k,
    o.mul(fk, g.float(1 / SLANEY.F_SP)),
    o.add(o.mul(o.log(o.mul(fk, g.float(1 / SLANEY.MIN_LOG_HZ))), g.float(1 / SLANEY.LOG_STEP)), g.float(SLANEY.MIN_LOG_MEL)),
  );
  const binPos = o.clip(o.mul(o.sub(melOfFk, g.float(MEL_OF_BIN0)), g.float(1 / MEL_STEP)), 0, NUM_MEL_BINS - 1.0001);
  const bin0 = o.floor(binPos);
  const binFrac = o.sub(binPos, bin0);
  const i0 = o.cast(bin0, "int64");
  const i1 = o.add(i0, g.int64(1));
  const e0 = o.gatherElements(env, i0, 1);
  const e1 = o.gatherElements(env, i1, 1);
  const envAtK = o.add(e0, o.mul(binFrac, o.sub(e1, e0)));
  // mel value → amplitude: a resolved harmonic reads MEL_PER_HARMONIC·A/Δ, unresolved ones MEL_PER_HARMONIC·A/f0.
  const spacing = o.mul(o.where(below1k, g.float(SLANEY.F_SP), o.mul(fk, g.float(SLANEY.LOG_STEP))), g.float(MEL_STEP));
  const toAmp = o.mul(o.min(spacing, f0safe), g.float(1 / MEL_PER_HARMONIC));
  const taper = o.clip(o.mul(o.sub(g.float(MAX_VOICED_HZ), fk), g.float(1 / VOICED_TAPER_HZ)), 0, 1);
  const amp = o.mul(o.mul(envAtK, toAmp), o.mul(taper, voiced)); // [T,K]
  const ampNext = nextFrame(amp);

  // --- phase in cycles per sample [T,512], wrapped to [0,1) ------------------------------------
  const j = Float32Array.from({ length: HOP_SIZE }, (_, i) => i);
  const f0next = nextFrame(f0pos); // [T,1]
  const df0 = o.sub(f0next, f0pos);
  // Linear f0 within the frame: cycles(j) = (f0·j + Δf0·j²/1024) / SR; a whole frame = 256·(f0 + f0next) / SR.
  const perFrame = o.mul(o.add(f0pos, f0next), g.float(HOP_SIZE / 2 / SAMPLE_RATE)); // [T,1]
  const offsets64 = o.cumsum(o.cast(perFrame, "float64"), 0, true);
  const offsets = o.cast(o.frac(offsets64), "float32"); // [T,1]
  const jLin = g.const(Float32Array.from(j, (x) => x / SAMPLE_RATE), [1, HOP_SIZE]);
  const jSq = g.const(Float32Array.from(j, (x) => (x * x) / (2 * HOP_SIZE) / SAMPLE_RATE), [1, HOP_SIZE]);
  const cycles = o.frac(o.add(offsets, o.add(o.mul(f0pos, jLin), o.mul(df0, jSq)))); // [T,512]
  const cycles3 = o.unsqueeze(cycles, [2]); // [T,512,1]

  // Each sample is Σ_c x_c · (v_c + Δv_c · ramp) over components c (harmonic sines or noise bands)
  // with per-frame weights v and their change Δv to the next frame. One batched MatMul of the
  // [T,512,C] components with [T,C,2] = (v, Δv) gives [T,512,2]; the ramp combines the two columns
  // once at the end, so no [T,512,C] weight tensor is ever built.
  const weights = (v: Value, next: Value): Value => o.concat([o.unsqueeze(v, [2]), o.unsqueeze(o.sub(next, v), [2])], 2);
  const rampPair = g.const(Float32Array.from({ length: HOP_SIZE * 2 }, (_, i) => (i % 2 === 0 ? 1 : Math.floor(i / 2) / HOP_SIZE)), [1, HOP_SIZE, 2]);

  const parts: Value[] = [];
  for (let start = 0; start < K; start += HARMONIC_GROUP) {
    const end = Math.min(K, start + HARMONIC_GROUP);
    const omega = g.float(Float32Array.from({ length: end - start }, (_, i) => 2 * Math.PI * (start + i + 1)), [1, 1, end - start]);
    const sines = o.sin(o.mul(cycles3, omega)); // [T,512,G]
    parts.push(o.matmul(sines, weights(o.slice(amp, start, end, 1), o.slice(ampNext, start, end, 1))));
  }

  // --- noise ------------------------------------------------------------------------------------
  const noiseW = bandAverages((f, b) => bandMask(f, NOISE_BAND_EDGES, b), bands);
  const bandLevel = o.mul(o.matmul(env, g.const(noiseW, [NUM_MEL_BINS, bands])), g.float(1 / MEL_PER_UNIT_NOISE)); // [T,B]
  const isHigh = g.float(
    Array.from({ length: bands }, (_, b) => ((NOISE_BAND_EDGES[b + 1] as number) > MAX_VOICED_HZ ? 1 : 0)),
    [1, bands],
  );
  const unvoicedShare = o.max(o.sub(g.float(1), voiced), g.float(VOICING.aspiration)); // [T,1]
  const bandMix = o.add(isHigh, o.mul(o.sub(g.float(1), isHigh), unvoicedShare)); // [T,B]
  const gain = o.mul(bandLevel, bandMix);
  const table = g.const(bandNoiseTable(NOISE_TABLE_LENGTH, NOISE_BAND_EDGES, SAMPLE_RATE), [NOISE_TABLE_LENGTH, bands]);
  const frameStart = o.mul(o.unsqueeze(g.op("Range", [g.int64(0), o.squeeze(T, [0]), g.int64(1)]), [1]), g.int64(HOP_SIZE)); // [T,1]
  const sampleIdx = g.op("Mod", [o.add(frameStart, g.int64(Array.from(j), [1, HOP_SIZE])), g.int64(NOISE_TABLE_LENGTH)]); // [T,512]
  parts.push(o.matmul(o.gather(table, sampleIdx, 0), weights(gain, nextFrame(gain)))); // [T,512,2]

  const y = o.reduceSum(o.mul(g.op("Sum", parts), rampPair), [2]); // [T,512]

  // --- out: soft limit, flatten to [1, T·512] ------------------------------------------------------
  const mag = o.abs(y);
  const over = o.max(o.sub(mag, g.float(LIMIT_KNEE)), g.float(0));
  const room = LIMIT_CEILING - LIMIT_KNEE;
  const knee = o.mul(o.tanh(o.mul(over, g.float(1 / room))), g.float(room));
  const limited = o.mul(o.sign(y), o.add(o.min(mag, g.float(LIMIT_KNEE)), knee));
  g.output(o.reshape(limited, g.int64([1, -1])), "waveform", "float32", [1, "n_samples"]);
  return g;
}

/** The vocoder model's bytes (vocoder.onnx). */
export function buildVocoderModel(): Uint8Array {
  return buildVocoderGraph().encode();
}
