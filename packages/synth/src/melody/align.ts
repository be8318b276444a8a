import { SynthError } from "../errors";
import type { Lyrics, Melody, Note, SungNote, Syllable } from "../types";

/** No note is split below this: shorter than ~60 ms a syllable can't be heard as sung. */
export const MIN_SPLIT_SECONDS = 0.06;

/** MIDI lyrics that mean "the previous syllable goes on" rather than a new one ("_" is LilyPond's). */
const CONTINUATION_LYRICS = new Set(["-", "+", "~", "_"]);

type LineSyllable = { syllable: Syllable; line: number };

/** Consecutive notes that one syllable sings; the first carries the syllable. */
type Slot = Note[];

type Fit = { ok: true; notes: SungNote[] } | { ok: false; missing: number };

/**
 * Assigns every syllable to one or more notes, in order. When the melody's phrases (separated by
 * rests of a beat or more) match the lyric lines one for one, each line is fitted to its phrase,
 * so spare notes become melisma at the end of that line; otherwise the whole song is fitted at
 * once. MIDI lyric events, when the melody has them, decide which notes start a syllable.
 * Spare notes go to the last syllable; missing notes are made by halving the longest notes.
 */
export function alignSyllables(lyrics: Lyrics, melody: Melody): SungNote[] {
  const lines: LineSyllable[][] = lyrics.lines
    .map((line, index) => line.syllables.map((syllable) => ({ syllable, line: index })))
    .filter((line) => line.length > 0);
  if (lines.length === 0) throw new SynthError("INVALID_INPUT", "The lyrics have no syllables to sing.");
  const notes = melody.notes.filter((note) => note.duration > 0).sort((a, b) => a.start - b.start);
  if (notes.length === 0) throw new SynthError("INVALID_MELODY", "The melody has no notes.");

  const useLyrics = notes.some((note) => note.lyric !== undefined && note.lyric.trim() !== "");
  const beat = 60 / (melody.bpm > 0 && Number.isFinite(melody.bpm) ? melody.bpm : 120);
  const phrases = splitPhrases(notes, beat);

  if (phrases.length === lines.length && phrases.length > 1) {
    const sung: SungNote[] = [];
    let paired = true;
    for (let i = 0; i < lines.length && paired; i++) {
      const fit = fitGroup(lines[i] ?? [], phrases[i] ?? [], useLyrics, beat);
      if (fit.ok) sung.push(...fit.notes);
      else paired = false;
    }
    // A line too long for its phrase may still fit when the song is taken as a whole.
    if (paired) return sung;
  }
  const fit = fitGroup(lines.flat(), notes, useLyrics, beat);
  if (fit.ok) return fit.notes;
  const total = lines.reduce((sum, line) => sum + line.length, 0);
  throw new SynthError(
    "INVALID_MELODY",
    `${fit.missing} of ${total} syllables don't fit the melody: its ${notes.length} notes can't be split into enough notes of at least ${MIN_SPLIT_SECONDS * 1000} ms.`,
    { syllables: total, notes: notes.length, missing: fit.missing },
  );
}

/** Phrases are the runs of notes between rests of at least a beat. */
export function splitPhrases(notes: Note[], beatSeconds: number): Note[][] {
  const phrases: Note[][] = [];
  let current: Note[] = [];
  let previousEnd = -Infinity;
  for (const note of notes) {
    if (current.length > 0 && note.start - previousEnd >= beatSeconds - 1e-6) {
      phrases.push(current);
      current = [];
    }
    current.push(note);
    previousEnd = Math.max(previousEnd, note.start + note.duration);
  }
  if (current.length > 0) phrases.push(current);
  return phrases;
}

function isContinuation(note: Note, phraseStart: boolean): boolean {
  const lyric = note.lyric?.trim() ?? "";
  if (lyric === "") return !phraseStart;
  return CONTINUATION_LYRICS.has(lyric);
}

/**
 * Slots from MIDI lyrics: a lyric starts a syllable; a continuation mark, or a bare note inside
 * a phrase, extends the syllable before it. A bare note that opens a phrase starts a new one.
 */
function lyricSlots(notes: Note[], beatSeconds: number): Slot[] {
  const slots: Slot[] = [];
  let previousEnd = -Infinity;
  for (const note of notes) {
    const last = slots[slots.length - 1];
    const phraseStart = !last || note.start - previousEnd >= beatSeconds - 1e-6;
    if (last && isContinuation(note, phraseStart)) last.push(note);
    else slots.push([note]);
    previousEnd = Math.max(previousEnd, note.start + note.duration);
  }
  return slots;
}

/** Halves the longest note (keeping pitch and total time); its second half starts a new slot. */
function splitLongest(slots: Slot[]): boolean {
  let bestSlot = -1;
  let bestIndex = -1;
  let bestDuration = 2 * MIN_SPLIT_SECONDS - 1e-9;
  slots.forEach((slot, s) =>
    slot.forEach((note, n) => {
      if (note.duration > bestDuration + 1e-9) {
        bestSlot = s;
        bestIndex = n;
        bestDuration = note.duration;
      }
    }),
  );
  const slot = slots[bestSlot];
  const note = slot?.[bestIndex];
  if (!slot || !note) return false;
  const half = note.duration / 2;
  const first: Note = { ...note, duration: half };
  // The second half is a new attack for the next syllable, so it doesn't carry the MIDI lyric.
  const second: Note = { midi: note.midi, start: note.start + half, duration: note.duration - half };
  slots.splice(bestSlot, 1, [...slot.slice(0, bestIndex), first], [second, ...slot.slice(bestIndex + 1)]);
  return true;
}

function fitGroup(syllables: LineSyllable[], notes: Note[], useLyrics: boolean, beatSeconds: number): Fit {
  const slots: Slot[] = useLyrics ? lyricSlots(notes, beatSeconds) : notes.map((note) => [note]);
  while (slots.length < syllables.length) {
    if (!splitLongest(slots)) return { ok: false, missing: syllables.length - slots.length };
  }

  const sung: SungNote[] = [];
  let next = 0;
  syllables.forEach(({ syllable, line }, i) => {
    const syllablesAfter = syllables.length - 1 - i;
    // `holds` takes extra slots only while every later syllable still gets one; the last takes the rest.
    const wanted = syllablesAfter === 0 ? slots.length - next : 1 + Math.max(0, syllable.holds);
    const take = Math.max(1, Math.min(wanted, slots.length - next - syllablesAfter));
    for (let k = 0; k < take; k++) {
      (slots[next + k] ?? []).forEach((note, n) => {
        sung.push({ ...note, syllable, line, continues: k > 0 || n > 0 });
      });
    }
    next += take;
  });
  return { ok: true, notes: sung };
}
