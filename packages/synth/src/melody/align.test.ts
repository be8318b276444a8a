import { describe, expect, it } from "vitest";
import { expectSynthError } from "../test-support";
import type { Lyrics, Melody, Note, SungNote, Syllable } from "../types";
import { alignSyllables } from "./align";
import { generateMelody } from "./generate";

const syllable = (text: string, holds = 0): Syllable => ({ text, phonemes: ["aa"], vowel: 0, holds, wordEnd: true });

/** Lines written like the lyrics editor: "la la+ la" is three syllables, the second holding one extra note. */
function lyrics(...lines: string[]): Lyrics {
  return {
    lines: lines.map((line) => ({
      section: null,
      syllables: line
        .split(" ")
        .filter(Boolean)
        .map((word) => syllable(word.replace(/\++$/, ""), word.length - word.replace(/\++$/, "").length)),
    })),
  };
}

/** Back-to-back notes at 120 bpm (a beat is 0.5 s); `null` in `durations` is a rest of that length. */
function melody(durations: Array<number | null>, lyricsOnNotes: Array<string | undefined> = []): Melody {
  const notes: Note[] = [];
  let time = 0;
  for (const duration of durations) {
    if (duration === null) {
      time += 0.5;
      continue;
    }
    const lyric = lyricsOnNotes[notes.length];
    notes.push({ midi: 60 + notes.length, start: time, duration, ...(lyric === undefined ? {} : { lyric }) });
    time += duration;
  }
  return { notes, bpm: 120 };
}

/** What each note sings: the syllable text, with "~" for a note that continues it. */
const sung = (notes: SungNote[]) => notes.map((note) => (note.continues ? `~${note.syllable.text}` : note.syllable.text));


describe("alignSyllables", () => {
  it("sings one syllable per note, keeping the notes' pitch and time", () => {
    const notes = alignSyllables(lyrics("twin kle twin kle"), melody([0.5, 0.5, 0.5, 0.5]));
    expect(sung(notes)).toEqual(["twin", "kle", "twin", "kle"]);
    expect(notes.map((note) => [note.midi, note.start, note.duration])).toEqual([
      [60, 0, 0.5],
      [61, 0.5, 0.5],
      [62, 1, 0.5],
      [63, 1.5, 0.5],
    ]);
  });

  it("holds a syllable written with + over the next notes", () => {
    const notes = alignSyllables(lyrics("glo++ ri a"), melody([0.25, 0.25, 0.25, 0.5, 1]));
    expect(sung(notes)).toEqual(["glo", "~glo", "~glo", "ri", "a"]);
  });

  it("lets holds give way when there are too few notes, so every syllable still sings", () => {
    expect(sung(alignSyllables(lyrics("a++ b c"), melody([0.5, 0.5, 0.5])))).toEqual(["a", "b", "c"]);
    expect(sung(alignSyllables(lyrics("a++ b c"), melody([0.5, 0.5, 0.5, 0.5])))).toEqual(["a", "~a", "b", "c"]);
  });

  it("follows the MIDI lyrics: -, + and ~ and bare notes inside a phrase continue a syllable", () => {
    const song = melody([0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1], ["Hel", "-", "lo", "+", undefined, "my", "~"]);
    expect(sung(alignSyllables(lyrics("hel lo my"), song))).toEqual(["hel", "~hel", "lo", "~lo", "~lo", "my", "~my"]);
  });

  it("starts a new syllable on a bare note that opens a phrase", () => {
    const song = melody([0.5, 0.5, null, null, 0.5, 0.5], ["a", "-", undefined, "-"]);
    expect(sung(alignSyllables(lyrics("a b"), song))).toEqual(["a", "~a", "b", "~b"]);
  });

  it("gives a phrase's spare notes to the last syllable of its line", () => {
    const song = melody([0.5, 0.5, 0.5, 0.5, null, null, 0.5, 0.5, 0.5]);
    const notes = alignSyllables(lyrics("one two three", "four five six"), song);
    expect(sung(notes)).toEqual(["one", "two", "three", "~three", "four", "five", "six"]);
    expect(notes.map((note) => note.line)).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it("gives spare notes to the last syllable when phrases don't match the lines", () => {
    const song = melody([0.5, 0.5, 0.5, 0.5, 0.5]);
    const notes = alignSyllables(lyrics("one", "two three"), song);
    expect(sung(notes)).toEqual(["one", "two", "three", "~three", "~three"]);
    expect(notes.map((note) => note.line)).toEqual([0, 1, 1, 1, 1]);
  });

  it("splits the longest notes in halves for spare syllables, keeping pitch and total time", () => {
    const song = melody([1, 0.5]);
    const notes = alignSyllables(lyrics("a b c d"), song);
    expect(sung(notes)).toEqual(["a", "b", "c", "d"]);
    expect(notes.map((note) => [note.midi, note.start, note.duration])).toEqual([
      [60, 0, 0.25],
      [60, 0.25, 0.25],
      [60, 0.5, 0.5],
      [61, 1, 0.5],
    ]);
    const total = notes.reduce((sum, note) => sum + note.duration, 0);
    expect(total).toBeCloseTo(1.5, 12);
  });

  it("fits a long line into its own phrase, leaving the other lines where they are", () => {
    const song = melody([1, null, null, 0.5, 0.5]);
    const notes = alignSyllables(lyrics("a b c", "d e"), song);
    expect(sung(notes)).toEqual(["a", "b", "c", "d", "e"]);
    expect(notes.map((note) => [note.line, note.start])).toEqual([
      [0, 0],
      [0, 0.25],
      [0, 0.5],
      [1, 2],
      [1, 2.5],
    ]);
  });

  it("says how many syllables don't fit when notes would get shorter than 60 ms", () => {
    // 0.2 s halves once into two 0.1 s notes; halving again would make 50 ms notes.
    expectSynthError(
      () => alignSyllables(lyrics("a b c d e"), melody([0.2])),
      "INVALID_MELODY",
      /^3 of 5 syllables don't fit the melody/,
    );
  });

  it("refuses lyrics without syllables and a melody without notes", () => {
    expectSynthError(() => alignSyllables(lyrics("", ""), melody([0.5])), "INVALID_INPUT", /no syllables/);
    expectSynthError(() => alignSyllables(lyrics("a"), melody([])), "INVALID_MELODY", /no notes/);
  });

  it("puts each line on its own phrase of a generated melody, holds included", () => {
    const words = lyrics("hap py birth day to you", "hap py birth+ day to you", "dear friend");
    const notesPerLine = words.lines.map((line) => line.syllables.reduce((sum, s) => sum + 1 + s.holds, 0));
    const song = generateMelody({ lines: notesPerLine, key: "G", scale: "major", bpm: 96, seed: 7 });
    const notes = alignSyllables(words, song);
    expect(notes).toHaveLength(song.notes.length);
    expect(notes.map((note) => note.line)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
    expect(sung(notes).slice(6, 13)).toEqual(["hap", "py", "birth", "~birth", "day", "to", "you"]);
  });
});
