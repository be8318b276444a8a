import { type Phoneme, type SungNote } from "../types";

/** One phoneme of a phrase, in seconds from the song's start. */
export type TimedPhoneme = { phoneme: Phoneme; start: number; end: number };

/** Notes sung without a rest long enough to breathe, rendered together. */
export type Phrase = {
  notes: SungNote[];
  /** Phonemes from `start` to `end`, SP padding included, covering the phrase without gaps. */
  phonemes: TimedPhoneme[];
  start: number;
  end: number;
};

/** Silence before and after each phrase: DiffSinger models expect SP at both ends. */
export const PAD_SECONDS = 0.12;
/** A rest at least this long ends a phrase. */
export const PHRASE_GAP_SECONDS = 0.3;
/** Phrases are cut at a note boundary after this long, to bound the vocoder's memory. */
export const MAX_PHRASE_SECONDS = 8;
/** A consonant's usual length; shortened when the notes around it are short. */
const CONSONANT_SECONDS = 0.07;
/**
 * The shortest SP a phrase opens with. A song's first note often starts at 0 s (a generated melody
 * always does, as does a MIDI file's first bar), leaving no room before it: then its onset
 * consonants start after this much silence and the vowel waits for them, rather than the
 * consonants being lost.
 */
const MIN_LEAD_SECONDS = 0.03;

/**
 * Groups sung notes into phrases and lays out their phonemes in time: a syllable's onset
 * consonants come just before its note (so the vowel lands on the beat, as singers do), the vowel
 * holds the note and any melisma notes, coda consonants close the last note, and rests are SP.
 */
export function layoutPhrases(notes: SungNote[]): Phrase[] {
  const phrases: Phrase[] = [];
  let current: SungNote[] = [];
  for (const note of notes) {
    const previous = current.at(-1);
    const gap = previous ? note.start - (previous.start + previous.duration) : 0;
    const length = current.length > 0 ? note.start + note.duration - current[0]!.start : 0;
    const breaksHere = previous && !note.continues && (gap >= PHRASE_GAP_SECONDS || length > MAX_PHRASE_SECONDS);
    if (breaksHere) {
      phrases.push(layoutPhrase(current, phrases.at(-1)?.end ?? 0));
      current = [];
    }
    current.push(note);
  }
  if (current.length > 0) phrases.push(layoutPhrase(current, phrases.at(-1)?.end ?? 0));
  return phrases;
}

type SyllableSpan = { onset: Phoneme[]; nucleus: Phoneme; coda: Phoneme[]; noteStart: number; vowelStart: number; sungEnd: number };

function layoutPhrase(notes: SungNote[], notBefore: number): Phrase {
  const spans: SyllableSpan[] = [];
  for (let i = 0; i < notes.length; i++) {
    const note = notes[i]!;
    if (note.continues && spans.length > 0) {
      // Melisma: the syllable sings on through this note.
      spans.at(-1)!.sungEnd = note.start + note.duration;
      continue;
    }
    const { phonemes, vowel } = note.syllable;
    spans.push({
      onset: phonemes.slice(0, vowel),
      nucleus: phonemes[vowel]!,
      coda: phonemes.slice(vowel + 1),
      noteStart: note.start,
      vowelStart: note.start,
      sungEnd: note.start + note.duration,
    });
  }
  const first = spans[0]!;
  // Room for the first onset consonants, never overlapping the previous phrase nor before 0.
  const floor = Math.max(notBefore, 0);
  const start = Math.max(floor, first.noteStart - first.onset.length * CONSONANT_SECONDS - PAD_SECONDS);
  const end = spans.at(-1)!.sungEnd + PAD_SECONDS;

  // Onsets first: each borrows at most half of the time since the previous syllable's vowel began.
  const onsetStarts = spans.map((span, k) => {
    const wanted = span.onset.length * CONSONANT_SECONDS;
    if (k > 0) return span.noteStart - Math.min(wanted, (span.noteStart - spans[k - 1]!.vowelStart) * 0.5);
    // The first starts no earlier than the opening SP allows, and short of room the vowel waits
    // for its consonants (by at most half the note): a little late rather than without them.
    // They are not squeezed instead: the acoustic model's smoothing swallows a consonant of a few
    // frames between silences (a 35 ms /s/ after the opening SP comes out 22 dB quieter than a
    // 70 ms one).
    const onsetStart = Math.max(span.noteStart - wanted, floor + MIN_LEAD_SECONDS);
    const latest = span.noteStart + (span.sungEnd - span.noteStart) / 2;
    span.vowelStart = Math.max(span.noteStart, Math.min(onsetStart + wanted, latest));
    return Math.min(onsetStart, span.vowelStart);
  });

  const out: TimedPhoneme[] = [];
  let cursor = start;
  const push = (phoneme: Phoneme, until: number) => {
    if (until <= cursor) return;
    const previous = out.at(-1);
    if (previous && previous.phoneme === "SP" && phoneme === "SP") previous.end = until;
    else out.push({ phoneme, start: cursor, end: until });
    cursor = until;
  };
  const spread = (phonemes: Phoneme[], from: number, to: number) => {
    const each = (to - from) / phonemes.length;
    phonemes.forEach((ph, k) => push(ph, from + each * (k + 1)));
  };

  spans.forEach((span, k) => {
    push("SP", onsetStarts[k]!);
    if (span.onset.length > 0) spread(span.onset, Math.max(cursor, onsetStarts[k]!), span.vowelStart);
    // The vowel holds until the coda, which ends where the next onset (or the note) ends.
    const until = Math.min(span.sungEnd, k + 1 < spans.length ? onsetStarts[k + 1]! : span.sungEnd);
    const codaLength = Math.min(span.coda.length * CONSONANT_SECONDS, (until - cursor) / 3);
    push(span.nucleus, until - codaLength);
    if (span.coda.length > 0) spread(span.coda, cursor, until);
  });
  push("SP", end);
  return { notes, phonemes: out, start, end };
}

/**
 * Phoneme lengths in frames by OpenUtau's rule: each boundary is rounded to the nearest frame
 * and a phoneme's length is the difference, so rounding never accumulates over a phrase. A phoneme
 * that would round to nothing keeps one frame, taken from its successor.
 */
export function framesOf(phonemes: TimedPhoneme[], phraseStart: number, frameSeconds: number): Int32Array {
  const out = new Int32Array(phonemes.length);
  let previous = 0;
  for (let i = 0; i < phonemes.length; i++) {
    const boundary = Math.max(previous + 1, Math.round((phonemes[i]!.end - phraseStart) / frameSeconds));
    out[i] = boundary - previous;
    previous = boundary;
  }
  return out;
}
