import { describe, expect, it } from "vitest";
import {
  DEFAULT_PHONEMES,
  ENVELOPE_STEPS,
  envelopeTables,
  lnMelEnvelope,
  PHONEME_ORDER,
  phonemeId,
  PHONEMES,
  spectrumAtPosition,
  type DefaultPhoneme,
  formantTargets,
} from "./formants";
import { hzToBin, hzToMel, melToHz, MEL_BIN_HZ, NUM_MEL_BINS } from "./mel";
import { voicingOf } from "./vocoder-graph";

const ARPABET_VOWELS = ["aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"];
const ARPABET_CONSONANTS = ["b", "ch", "d", "dh", "f", "g", "hh", "jh", "k", "l", "m", "n", "ng", "p", "r", "s", "sh", "t", "th", "v", "w", "y", "z", "zh"];

const voicingAt = (p: DefaultPhoneme, pos: number) => voicingOf(Array.from(lnMelEnvelope(spectrumAtPosition(PHONEMES[p], pos)), Math.exp));

describe("slaney mel scale", () => {
  it("matches librosa's slaney values and inverts exactly", () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 10);
    expect(hzToMel(500)).toBeCloseTo(7.5, 10);
    expect(hzToMel(6400)).toBeCloseTo(42, 10);
    for (const hz of [40, 440, 999, 1001, 8000, 16000]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 6);
  });

  it("spreads 128 filter centres between 40 Hz and 16 kHz, their edges at the limits", () => {
    expect(MEL_BIN_HZ).toHaveLength(NUM_MEL_BINS);
    expect(hzToBin(40)).toBeCloseTo(-1, 10);
    expect(hzToBin(16000)).toBeCloseTo(NUM_MEL_BINS, 10);
  });
});

describe("phoneme inventory", () => {
  it("covers every ARPAbet vowel and consonant, plus SP and AP", () => {
    expect([...DEFAULT_PHONEMES].sort()).toEqual(["AP", "SP", ...ARPABET_VOWELS, ...ARPABET_CONSONANTS].sort());
  });

  it("numbers phonemes like phonemes.txt: SP is id 0 (padding), the rest index + 1", () => {
    expect(phonemeId("SP")).toBe(0);
    PHONEME_ORDER.forEach((p, i) => expect(phonemeId(p)).toBe(i + 1));
    expect(() => phonemeId("xx")).toThrow(/no phoneme "xx"/);
  });

  it("builds voice and noise tables of ENVELOPE_STEPS envelopes per phoneme, all finite", () => {
    const { voice, noise } = envelopeTables();
    expect(voice.length).toBe(DEFAULT_PHONEMES.length * ENVELOPE_STEPS * NUM_MEL_BINS);
    expect(noise.length).toBe(voice.length);
    expect(voice.every(Number.isFinite) && noise.every(Number.isFinite)).toBe(true);
  });
});

describe("phoneme spectra", () => {
  it("makes the vocoder voice every voiced held sound and not the voiceless ones", () => {
    for (const p of DEFAULT_PHONEMES) {
      const spec = PHONEMES[p];
      if (spec.kind === "silence" || spec.kind === "stop" || spec.kind === "affricate") continue;
      const v = voicingAt(p, 0.9);
      // Voiced fricatives mix voicing with their noise; everything else voiced is fully voiced.
      if (spec.voiced) expect(v, p).toBeGreaterThan(spec.kind === "fricative" ? 0.5 : 0.95);
      else expect(v, p).toBeLessThan(0.25);
    }
  });

  it("releases voiceless stops into noise after a silent closure", () => {
    for (const p of ["p", "t", "k"] as const) {
      const closure = lnMelEnvelope(spectrumAtPosition(PHONEMES[p], 0.2));
      const burst = lnMelEnvelope(spectrumAtPosition(PHONEMES[p], 0.9));
      expect(Math.max(...closure), p).toBeLessThan(-11);
      expect(Math.max(...burst), p).toBeGreaterThan(-6);
      expect(voicingAt(p, 0.9), p).toBeLessThan(0.25);
    }
  });

  it("peaks /s/ higher than /sh/, as their noise bands are described", () => {
    const peakHz = (p: DefaultPhoneme) => {
      const env = lnMelEnvelope(PHONEMES[p].start);
      let best = 0;
      for (let j = 0; j < NUM_MEL_BINS; j++) if ((env[j] as number) > (env[best] as number)) best = j;
      return MEL_BIN_HZ[best] as number;
    };
    expect(peakHz("s")).toBeGreaterThan(5000);
    expect(peakHz("s")).toBeLessThan(8000);
    expect(peakHz("sh")).toBeGreaterThan(2500);
    expect(peakHz("sh")).toBeLessThan(peakHz("s"));
  });

  it("gives r a much lower third formant than l", () => {
    const f3 = (p: "l" | "r") => formantTargets(p)[2] as number;
    expect(f3("r")).toBeLessThan(f3("l") - 800);
  });
});
