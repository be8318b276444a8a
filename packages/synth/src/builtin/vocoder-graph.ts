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
 * for signals of any length. Samples are laid out [T, 512] throughout.
 *
 * Cost. The harmonics are not computed per sample: each frame's 64 amplitudes are summed once into
 * a one-cycle wavetable (a MatMul with a constant sine table), and each sample reads it at its
 * phase with linear interpolation. That is N·64 multiply-adds per frame in a GEMM instead of
 * 512·64 sines, and it costs the same whatever the pitch, so the harmonics above the maximum
 * voiced frequency that are zeroed anyway no longer cost anything either.
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
/**
 * Points per cycle of each frame's wavetable. Linear interpolation between them is off by at most
 * (2πk/N)²/8 of harmonic k's amplitude: −58 dB for the 64th, below −90 dB for the first ten.
 */
export const WAVETABLE_SIZE = 4096;
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

/**
 * [K, N+1] table of sin(2π·k·n/N), harmonic k = 1..K down the rows, one cycle of phase along each;
 * column N repeats column 0 so that reading between n and n+1 never wraps.
 */
function sineTable(harmonics: number, size: number): Float32Array {
  const table = new Float32Array(harmonics * (size + 1));
  for (let k = 1; k <= harmonics; k++) {
    for (let n = 0; n <= size; n++) table[(k - 1) * (size + 1) + n] = Math.sin((2 * Math.PI * k * (n % size)) / size);
  }
  return table;
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

  // --- harmonic part: one wavetable per frame ----------------------------------------------------
  // Σ_k a_k·sin(2πk·c) depends on the sample only through its phase c, so each frame's harmonics
  // are summed once into a single-cycle table, and every sample reads its frame's table at its
  // phase. The amplitudes change linearly to the next frame's, so a second table holds that change.
  const sines = g.const(sineTable(K, WAVETABLE_SIZE), [K, WAVETABLE_SIZE + 1]);
  const table = o.matmul(amp, sines); // [T,N+1]
  const tableStep = o.matmul(o.sub(ampNext, amp), sines); // [T,N+1]
  // [T,512] in [0, N); the clip only guards against a rounding to exactly 1 cycle, which would read past the table.
  const pos = o.clip(o.mul(cycles, g.float(WAVETABLE_SIZE)), 0, WAVETABLE_SIZE - 1 / 1024);
  const pos0 = o.floor(pos);
  const posFrac = o.sub(pos, pos0);
  const at0 = o.cast(pos0, "int64");
  const at1 = o.add(at0, g.int64(1)); // ≤ N: the table's last column repeats its first
  const read = (t: Value): Value => {
    const v0 = o.gatherElements(t, at0, 1);
    return o.add(v0, o.mul(posFrac, o.sub(o.gatherElements(t, at1, 1), v0)));
  };
  const ramp = g.const(Float32Array.from(j, (x) => x / HOP_SIZE), [1, HOP_SIZE]);
  const harmonic = o.add(read(table), o.mul(read(tableStep), ramp)); // [T,512]

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
  // Sample t·512 + j of the loop: the loop is a whole number of frames long, so frame t reads block
  // t mod blocks whole, one Gather of [512, B] blocks rather than one index per sample.
  const blocks = NOISE_TABLE_LENGTH / HOP_SIZE;
  const noiseTable = g.const(bandNoiseTable(NOISE_TABLE_LENGTH, NOISE_BAND_EDGES, SAMPLE_RATE), [blocks, HOP_SIZE, bands]);
  const frameBlock = g.op("Mod", [g.op("Range", [g.int64(0), o.squeeze(T, [0]), g.int64(1)]), g.int64(blocks)]); // [T]
  const noiseBands = o.gather(noiseTable, frameBlock, 0); // [T,512,B]
  // Σ_b x_b · (g_b + Δg_b · ramp): one batched MatMul with [T,B,2] = (g, Δg) gives [T,512,2], and
  // the ramp combines the two columns, so no [T,512,B] weight tensor is ever built.
  const gainPair = o.concat([o.unsqueeze(gain, [2]), o.unsqueeze(o.sub(nextFrame(gain), gain), [2])], 2);
  const rampPair = g.const(Float32Array.from({ length: HOP_SIZE * 2 }, (_, i) => (i % 2 === 0 ? 1 : Math.floor(i / 2) / HOP_SIZE)), [1, HOP_SIZE, 2]);
  const noise = o.reduceSum(o.mul(o.matmul(noiseBands, gainPair), rampPair), [2]); // [T,512]

  const y = o.add(harmonic, noise); // [T,512]

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
