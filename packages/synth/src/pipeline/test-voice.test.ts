// The generated test voice (builtin/test-voice-graph.ts) is the default voice's sound behind every
// optional DiffSinger input — language ids, speaker embeddings, steps and depth — with a log10 mel
// in front of a natural-log vocoder. Each input, fed wrongly, changes what comes out (a wrong
// language id is 3 nepers quieter, the tenor is darker towards the top, steps and depth add a
// level), so singing the same phrase with both voices shows whether the pipeline feeds exactly the
// declared inputs and converts the mel.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDefaultVoice, writeTestVoice } from "../builtin/default-voice";
import { hzToBin, NUM_MEL_BINS } from "../builtin/mel";
import { TEST_VOICE } from "../builtin/test-voice-graph";
import { loadVoicebank, type Voicebank } from "../voicebank";
import { acousticFeeds } from "./acoustic-inputs";
import { bandsDb, dbfs, forPitch, hzToMidi, meanSpectrum, median, midiFile, rms, type ScoreNote, yinAt } from "./quality.test-support";
import { sing } from "./sing";

const SR = 44_100;
const NEPER_DB = 20 / Math.LN10;
/** A short phrase on steady vowels: "pa", "ah", "see" at 100 bpm. */
const SCORE: ScoreNote[] = [
  { midi: 57, time: 0.3, duration: 0.6 },
  { midi: 60, time: 0.9, duration: 0.6 },
  { midi: 64, time: 1.5, duration: 0.9 },
];
const LYRICS = "pa ah see";
/** Octave bands over the harmonics (the vocoder's harmonics stop at 5.5 kHz; above it is noise). */
const BANDS = [200, 400, 800, 1600, 3200, 5000];

let dir: string;
let reference: Voicebank;
let test: Voicebank;
const takes: Record<"reference" | "alto" | "unnamed" | "tenor", Float32Array> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "synth-test-voice-"));
  await writeDefaultVoice(join(dir, "default"));
  await writeTestVoice(join(dir, "test"));
  [reference, test] = await Promise.all([loadVoicebank(join(dir, "default")), loadVoicebank(join(dir, "test"))]);
  const midi = midiFile(SCORE, 100);
  const take = async (voice: Voicebank, speaker?: string) => (await sing({ lyrics: LYRICS, voice, midi, ...(speaker ? { speaker } : {}) })).audio.channels[0]!;
  takes.reference = await take(reference);
  takes.alto = await take(test, "alto");
  takes.unnamed = await take(test);
  takes.tenor = await take(test, "tenor");
});
afterAll(async () => {
  await Promise.all([reference?.release(), test?.release()]);
  await rm(dir, { recursive: true, force: true });
});

/** The steady middle of each note's vowel, in samples (after the onset's coarticulation, before the next consonant). */
const steady = (note: ScoreNote) => [Math.round((note.time + 0.3 * note.duration) * SR), Math.round((note.time + 0.7 * note.duration) * SR)] as const;

/**
 * What the test voice adds to every ln-mel value for the steps and depth the pipeline feeds it.
 * The test voice's neutral values are steps 0 and depth 0, which no DiffSinger render uses (steps
 * counts sampling steps, at least 1); the pipeline feeds OpenUtau-like values, so the documented
 * term steps · w.steps + depth · w.depth is expected on top of the default voice's sound.
 */
function scalarShift() {
  const feeds = acousticFeeds(test, { phonemes: ["SP", "aa", "SP"], durations: Int32Array.of(2, 4, 2), f0: new Float32Array(8).fill(220), lang: "en" });
  const steps = Number((feeds.steps!.data as BigInt64Array)[0]);
  const depth = (feeds.depth!.data as Float32Array)[0]!;
  return { feeds, steps, depth, nepers: steps * TEST_VOICE.effects.steps + depth * TEST_VOICE.effects.depth };
}

describe("the test voice (languages, speakers, steps/depth, log10 mel) sings like the default voice", () => {
  it("feeds steps and depth as the scalars the model declares, with values a DiffSinger render would use", () => {
    const { feeds, steps, depth } = scalarShift();
    for (const name of ["steps", "depth"]) {
      expect(feeds[name]!.dims, name).toEqual([]);
      expect(feeds[name]!.type, name).toBe(test.acousticInputs[name]!.type);
    }
    expect(Number.isInteger(steps) && steps >= 1).toBe(true);
    // Continuous acceleration: depth is a 0..1 fraction, at most the bank's max_depth.
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThanOrEqual(TEST_VOICE.maxDepth + 1e-6);
  });

  it("sings the same pitches (YIN, steady part of each note)", () => {
    const lowpassed = new Map<Float32Array, ReturnType<typeof forPitch>>();
    const pitch = (x: Float32Array, note: ScoreNote) => {
      const p = lowpassed.get(x) ?? forPitch(x, SR);
      lowpassed.set(x, p);
      const [from, to] = steady(note);
      const values: number[] = [];
      for (let c = from; c <= to; c += 512) {
        const hz = yinAt(p.samples, p.sampleRate, c / 4).hz;
        if (hz !== null) values.push(hzToMidi(hz));
      }
      expect(values.length).toBeGreaterThan(((to - from) / 512) * 0.9);
      return median(values);
    };
    for (const note of SCORE) {
      const expected = pitch(takes.reference, note);
      expect(Math.abs(expected - note.midi)).toBeLessThan(0.1);
      for (const take of [takes.alto, takes.tenor]) expect(Math.abs(pitch(take, note) - expected) * 100).toBeLessThan(5);
    }
  });

  it("has the default voice's spectral envelope and level, raised by exactly the documented steps/depth term", () => {
    const { nepers } = scalarShift();
    const expectedDb = nepers * NEPER_DB;
    for (const note of SCORE) {
      const [from, to] = steady(note);
      const want = bandsDb(meanSpectrum(takes.reference, from, to), SR, BANDS);
      const got = bandsDb(meanSpectrum(takes.alto, from, to), SR, BANDS);
      const differences = got.map((g, b) => g - want[b]!);
      const message = `note ${note.midi}: band differences ${differences.map((d) => d.toFixed(2)).join(", ")} dB, expected ${expectedDb.toFixed(2)}`;
      // A wrong language id would take 26 dB off the sung frames, a missing log10 → ln conversion
      // would flatten the envelope, a zero speaker embedding would take 60 dB off.
      for (const d of differences) expect(Math.abs(d - expectedDb), message).toBeLessThan(0.5);
      const level = dbfs(rms(takes.alto, from, to)) - dbfs(rms(takes.reference, from, to));
      expect(Math.abs(level - expectedDb), message).toBeLessThan(0.5);
    }
  });

  it("sings with the first speaker when none is named, and refuses a speaker it does not have", async () => {
    const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    expect(bytes(takes.unnamed).equals(bytes(takes.alto))).toBe(true);
    await expect(sing({ lyrics: LYRICS, voice: test, speaker: "bass" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/no speaker "bass".*alto, tenor/),
    });
  });

  it("refuses a language the voice does not sing, naming the ones it does", async () => {
    await expect(sing({ lyrics: LYRICS, voice: test, lang: "fr" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/does not sing language "fr".*en, ja/),
    });
  });

  it("sings the tenor darker than the alto by the documented tilt (0 at the bottom mel bin, -1.5 nepers at the top)", () => {
    for (const note of SCORE) {
      const [from, to] = steady(note);
      const alto = meanSpectrum(takes.alto, from, to);
      const tenor = bandsDb(meanSpectrum(takes.tenor, from, to), SR, BANDS);
      // The tenor's expected spectrum: the alto's, each FFT bin scaled by the tilt at its mel bin.
      const predicted = Float64Array.from(alto, (p, k) => p * Math.exp((2 * TEST_VOICE.effects.tenorTilt * Math.min(NUM_MEL_BINS - 1, Math.max(0, hzToBin((k * SR) / (2 * alto.length))))) / (NUM_MEL_BINS - 1)));
      const expected = bandsDb(predicted, SR, BANDS);
      const altoBands = bandsDb(alto, SR, BANDS);
      const message = `note ${note.midi}: tenor − alto ${tenor.map((t, b) => (t - altoBands[b]!).toFixed(2)).join(", ")} dB, predicted ${expected.map((e, b) => (e - altoBands[b]!).toFixed(2)).join(", ")}`;
      for (const [b, t] of tenor.entries()) expect(Math.abs(t - expected[b]!), message).toBeLessThan(0.75);
      // Audibly darker: the top band loses several dB more than the bottom one.
      expect(tenor[0]! - altoBands[0]! - (tenor.at(-1)! - altoBands.at(-1)!), message).toBeGreaterThan(3);
    }
  });
});
