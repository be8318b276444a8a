import { describe, expect, it } from "vitest";
import { SynthError } from "../errors";
import type { Melody } from "../types";
import { generateMelody, type GenerateMelodyOptions } from "./generate";
import { parseKey, SCALE_NAMES } from "./scales";

const base: GenerateMelodyOptions = { lines: [7, 6, 8, 5], key: "C", scale: "major", bpm: 100, seed: 42 };

/** The notes of each line, told apart by the rests the generator leaves between phrases. */
function phrases(melody: Melody, lines: number[]) {
  let at = 0;
  return lines.map((count) => melody.notes.slice(at, (at += count)));
}

function expectInvalidInput(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).code).toBe("INVALID_INPUT");
    expect((error as SynthError).message).toMatch(message);
    return;
  }
  throw new Error("expected a SynthError");
}

describe("parseKey", () => {
  it("gives the scale's pitch classes from the tonic", () => {
    expect(parseKey("D", "major")).toEqual([2, 4, 6, 7, 9, 11, 1]);
    expect(parseKey("A", "minor")).toEqual([9, 11, 0, 2, 4, 5, 7]);
    expect(parseKey("Bb", "mixolydian")).toEqual([10, 0, 2, 3, 5, 7, 8]);
    expect(parseKey("F#", "pentatonic")).toEqual([6, 8, 10, 1, 3]);
    expect(parseKey("e", "dorian")).toEqual([4, 6, 7, 9, 11, 1, 2]);
  });

  it("names what is wrong with an unknown key or scale", () => {
    expectInvalidInput(() => parseKey("H", "major"), /Unknown key "H".*A–G/);
    expectInvalidInput(() => parseKey("C", "klezmer"), /Unknown scale "klezmer".*major, .*dorian/);
  });
});

describe("generateMelody", () => {
  it("is the same melody for the same seed, and another for another seed", () => {
    expect(generateMelody(base)).toEqual(generateMelody(base));
    const pitches = (seed: number) => generateMelody({ ...base, seed }).notes.map((note) => note.midi);
    expect(pitches(1)).not.toEqual(pitches(2));
    expect(pitches(42)).not.toEqual(pitches(43));
  });

  it("gives one note per syllable", () => {
    const lines = [1, 2, 3, 12, 0, 9];
    expect(generateMelody({ ...base, lines }).notes).toHaveLength(27);
  });

  it("stays within about an octave for every key and scale", () => {
    for (const key of ["C", "F#", "Bb", "A", "G", "Db", "B"]) {
      for (const scale of SCALE_NAMES) {
        for (let seed = 0; seed < 5; seed++) {
          const pitches = generateMelody({ ...base, key, scale, seed, lines: [10, 10, 10, 10] }).notes.map((note) => note.midi);
          expect(Math.max(...pitches) - Math.min(...pitches)).toBeLessThanOrEqual(13);
          expect(Math.min(...pitches)).toBeGreaterThanOrEqual(55); // G3
          expect(Math.max(...pitches)).toBeLessThanOrEqual(79); // G5
        }
      }
    }
  });

  it("is in the key: every note belongs to the scale", () => {
    const classes = new Set(parseKey("Eb", "dorian"));
    const melody = generateMelody({ ...base, key: "Eb", scale: "dorian", lines: [12, 12, 12] });
    for (const note of melody.notes) expect(classes.has(note.midi % 12)).toBe(true);
  });

  it("ends each line on 1, 3 or 5 and the song on the tonic", () => {
    const cases = [
      { key: "C", scale: "major" as const, tonic: 0, third: 4 },
      { key: "A", scale: "minor" as const, tonic: 9, third: 3 },
      { key: "F#", scale: "pentatonic" as const, tonic: 6, third: 4 },
    ];
    for (const { key, scale, tonic, third } of cases) {
      for (let seed = 0; seed < 20; seed++) {
        const lines = [5, 8, 3, 7];
        const melody = generateMelody({ ...base, key, scale, seed, lines });
        const ends = phrases(melody, lines).map((phrase) => ((phrase[phrase.length - 1]?.midi ?? 0) - tonic + 12) % 12);
        for (const degree of ends) expect([0, third, 7]).toContain(degree);
        expect(ends[ends.length - 1]).toBe(0);
      }
    }
  });

  it("moves mostly by step, and answers each leap with a step back", () => {
    const lines = [8, 8, 8, 8, 8, 8, 8, 8];
    let moves = 0;
    let steps = 0;
    for (let seed = 0; seed < 10; seed++) {
      const pitches = phrases(generateMelody({ ...base, seed, lines }), lines).map((phrase) => phrase.map((note) => note.midi));
      for (const phrase of pitches) {
        for (let i = 1; i < phrase.length; i++) {
          const move = (phrase[i] ?? 0) - (phrase[i - 1] ?? 0);
          moves++;
          if (Math.abs(move) <= 2) steps++;
          expect(Math.abs(move)).toBeLessThanOrEqual(7); // nothing wider than a fifth
          if (Math.abs(move) >= 3 && i + 1 < phrase.length) {
            const after = (phrase[i + 1] ?? 0) - (phrase[i] ?? 0);
            expect(Math.sign(after)).toBe(-Math.sign(move));
            expect(Math.abs(after)).toBeLessThanOrEqual(2);
          }
        }
      }
    }
    expect(steps / moves).toBeGreaterThan(0.7);
  });

  it("sings each line as a phrase: starts on a (half) bar, rests at least a beat, holds the last note", () => {
    const bpm = 90;
    const beat = 60 / bpm;
    const lines = [6, 9, 4, 11];
    const melody = generateMelody({ ...base, bpm, lines });
    expect(melody.bpm).toBe(bpm);
    const lineNotes = phrases(melody, lines);
    let previousEnd = -Infinity;
    for (const phrase of lineNotes) {
      const first = phrase[0];
      const last = phrase[phrase.length - 1];
      if (!first || !last) throw new Error("empty phrase");
      const halfBars = first.start / (2 * beat);
      expect(halfBars).toBeCloseTo(Math.round(halfBars), 9);
      expect(first.start - previousEnd).toBeGreaterThanOrEqual(beat - 1e-9);
      previousEnd = last.start + last.duration;
      // Inside the phrase notes are eighths to half notes, back to back; the last one is longer.
      for (let i = 0; i + 1 < phrase.length; i++) {
        const note = phrase[i];
        const following = phrase[i + 1];
        if (!note || !following) continue;
        expect(note.duration / beat).toBeGreaterThanOrEqual(0.5 - 1e-9);
        expect(note.duration / beat).toBeLessThanOrEqual(2 + 1e-9);
        expect(following.start).toBeCloseTo(note.start + note.duration, 9);
      }
      expect(last.duration / beat).toBeGreaterThanOrEqual(2 - 1e-9);
    }
    const durations = melody.notes.map((note) => note.duration / beat);
    const eighthsAndQuarters = durations.filter((d) => Math.abs(d - 0.5) < 1e-9 || Math.abs(d - 1) < 1e-9).length;
    expect(eighthsAndQuarters / durations.length).toBeGreaterThan(0.6);
  });

  it("transposes with the key", () => {
    const inC = generateMelody({ ...base, key: "C" }).notes.map((note) => note.midi);
    const inD = generateMelody({ ...base, key: "D" }).notes.map((note) => note.midi);
    expect(inD).toEqual(inC.map((midi) => midi + 2));
  });

  it("refuses a bpm, key or syllable count out of range, saying which and what range", () => {
    expectInvalidInput(() => generateMelody({ ...base, bpm: 20 }), /bpm must be between 30 and 300; got 20/);
    expectInvalidInput(() => generateMelody({ ...base, bpm: 301 }), /bpm must be between 30 and 300; got 301/);
    expectInvalidInput(() => generateMelody({ ...base, bpm: Number.NaN }), /bpm must be between 30 and 300; got NaN/);
    expectInvalidInput(() => generateMelody({ ...base, key: "X#" }), /Unknown key "X#"/);
    expectInvalidInput(() => generateMelody({ ...base, lines: [1500, 501] }), /2001 syllables.*between 1 and 2000/);
    expectInvalidInput(() => generateMelody({ ...base, lines: [0, 0] }), /0 syllables.*between 1 and 2000/);
    expectInvalidInput(() => generateMelody({ ...base, lines: [3, -1] }), /lines\[1\].*got -1/);
  });

  it("sings 2000 syllables", () => {
    const lines = Array.from({ length: 200 }, () => 10);
    expect(generateMelody({ ...base, lines }).notes).toHaveLength(2000);
  });
});
