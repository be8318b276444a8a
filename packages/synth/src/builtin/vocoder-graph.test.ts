import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { type DefaultPhoneme, lnMelEnvelope, PHONEMES, formantTargets } from "./formants";
import { HOP_SIZE, NUM_MEL_BINS, SAMPLE_RATE } from "./mel";
import { decimate, estimateFormants, estimatePitch, periodicity, powerAbove } from "./test-support";
import { buildVocoderModel, LIMIT_CEILING } from "./vocoder-graph";

let model: Uint8Array;
let vocoder: ort.InferenceSession;
beforeAll(async () => {
  model = buildVocoderModel();
  vocoder = await ort.InferenceSession.create(model);
});

/** A mel held on one phoneme's table envelope (shifted by `gain` nepers) for `frames` frames. */
function steadyMel(phoneme: DefaultPhoneme, frames: number, gain = 0): Float32Array {
  const env = lnMelEnvelope(PHONEMES[phoneme].start);
  const mel = new Float32Array(frames * NUM_MEL_BINS);
  for (let t = 0; t < frames; t++) for (let j = 0; j < NUM_MEL_BINS; j++) mel[t * NUM_MEL_BINS + j] = (env[j] as number) + gain;
  return mel;
}

async function vocode(mel: Float32Array, f0: Float32Array, session = vocoder): Promise<Float32Array> {
  const frames = f0.length;
  const out = await session.run({
    mel: new ort.Tensor("float32", mel, [1, frames, NUM_MEL_BINS]),
    f0: new ort.Tensor("float32", f0, [1, frames]),
  });
  expect(out.waveform!.dims).toEqual([1, frames * HOP_SIZE]);
  return out.waveform!.data as Float32Array;
}

const constant = (frames: number, hz: number) => new Float32Array(frames).fill(hz);
const peakOf = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
/** 40 ms from the middle of a signal. */
const middle = (x: Float32Array, ms = 40) => {
  const n = Math.round((SAMPLE_RATE * ms) / 1000);
  const start = Math.max(0, Math.floor((x.length - n) / 2));
  return x.subarray(start, start + n);
};

describe("vocoder", () => {
  it("sings a steady /aa/ at 220 Hz with that pitch (±1 %)", async () => {
    const wav = await vocode(steadyMel("aa", 60), constant(60, 220));
    expect(estimatePitch(middle(wav, 80), SAMPLE_RATE)).toBeGreaterThan(220 * 0.99);
    expect(estimatePitch(middle(wav, 80), SAMPLE_RATE)).toBeLessThan(220 * 1.01);
  });

  it.each([82, 880])("sings a steady /aa/ at %d Hz with that pitch (±1 %%)", async (hz) => {
    const wav = await vocode(steadyMel("aa", 60), constant(60, hz));
    expect(Math.abs(estimatePitch(middle(wav, 80), SAMPLE_RATE) / hz - 1)).toBeLessThan(0.01);
  });

  // A bass note uses all 64 harmonics, where reading the wavetable between its points errs most.
  it("keeps /aa/'s first formant within 15 per cent of the table on a bass note (82 Hz)", async () => {
    const wav = await vocode(steadyMel("aa", 60), constant(60, 82));
    const [f1] = estimateFormants(decimate(middle(wav), 4), SAMPLE_RATE / 4, 12) as [number];
    const [target] = formantTargets("aa") as [number];
    expect(Math.abs(f1 / target - 1)).toBeLessThan(0.15);
  });

  it.each(["aa", "iy", "uw"] as const)("puts /%s/'s first two formants within 15 per cent of the table (LPC on a 40 ms frame)", async (vowel) => {
    const wav = await vocode(steadyMel(vowel, 60), constant(60, 220));
    const formants = estimateFormants(decimate(middle(wav), 4), SAMPLE_RATE / 4, 12);
    const [f1, f2] = formantTargets(vowel) as [number, number];
    expect(formants[0]).toBeGreaterThan(f1 * 0.85);
    expect(formants[0]).toBeLessThan(f1 * 1.15);
    expect(formants[1]).toBeGreaterThan(f2 * 0.85);
    expect(formants[1]).toBeLessThan(f2 * 1.15);
  });

  it("puts a sung vowel near -12 dBFS peak, and never reaches full scale even when driven hard", async () => {
    const normal = await vocode(steadyMel("aa", 40), constant(40, 220));
    const peakDb = 20 * Math.log10(peakOf(normal));
    expect(peakDb).toBeGreaterThan(-15);
    expect(peakDb).toBeLessThan(-9);
    const loud = await vocode(steadyMel("aa", 40, 3), constant(40, 220));
    expect(peakOf(loud)).toBeGreaterThan(0.8);
    expect(peakOf(loud)).toBeLessThanOrEqual(LIMIT_CEILING + 1e-6);
  });

  it("renders the same bytes every time, in a fresh session too", async () => {
    const mel = steadyMel("s", 30);
    const f0 = constant(30, 300);
    const a = await vocode(mel, f0);
    const b = await vocode(mel, f0, await ort.InferenceSession.create(model));
    expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
  });

  it("turns /s/ into unpitched noise, mostly above 3 kHz, although f0 stays positive", async () => {
    const wav = await vocode(steadyMel("s", 40), constant(40, 220));
    expect(periodicity(middle(wav), SAMPLE_RATE)).toBeLessThan(0.3);
    expect(powerAbove(middle(wav, 150), SAMPLE_RATE, 3000)).toBeGreaterThan(0.9);
  });

  it("whispers a vowel where f0 is 0 (unvoiced frames get noise, no pitch)", async () => {
    const voiced = await vocode(steadyMel("aa", 60), constant(60, 220));
    const whispered = await vocode(steadyMel("aa", 60), constant(60, 0));
    // 300 ms and lags of 4–17 ms: long enough that band-limited noise decorrelates; 220 Hz's period is among them.
    expect(periodicity(middle(voiced, 300), SAMPLE_RATE, 60, 250)).toBeGreaterThan(0.9);
    expect(periodicity(middle(whispered, 300), SAMPLE_RATE, 60, 250)).toBeLessThan(0.3);
    expect(peakOf(whispered)).toBeGreaterThan(0.01);
  });

  it("outputs T·512 samples for any frame count, one frame included", async () => {
    for (const frames of [1, 2, 37]) {
      const wav = await vocode(steadyMel("aa", frames), constant(frames, 180));
      expect(wav.length).toBe(frames * HOP_SIZE);
      expect(wav.every(Number.isFinite)).toBe(true);
    }
  });

  it("keeps the pitch on track through a 10 s phrase with a gliding f0", async () => {
    const frames = 861;
    const f0 = Float32Array.from({ length: frames }, (_, t) => 200 * 2 ** (t / frames)); // one octave up
    const wav = await vocode(steadyMel("aa", frames), f0);
    expect(peakOf(wav)).toBeLessThan(1);
    for (const at of [0.25, 0.95]) {
      const frame = Math.round(at * frames);
      const start = frame * HOP_SIZE;
      const measured = estimatePitch(wav.subarray(start - 1200, start + 1200), SAMPLE_RATE);
      expect(Math.abs(measured / (f0[frame] as number) - 1)).toBeLessThan(0.01);
    }
  });
});
