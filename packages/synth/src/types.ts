/**
 * The shapes the synthesis stages hand each other: lyrics → syllables with phonemes (text/),
 * a melody → notes (melody/), syllables aligned to notes (melody/align), then the voicebank and
 * the ONNX pipeline turn them into audio.
 */

/** ARPAbet without stress marks, lower case ("aa", "hh", "ng"), as DiffSinger English dictionaries write it. */
export type Phoneme = string;

export type Syllable = {
  /** The letters of the syllable as written (for display and MIDI lyric matching). */
  text: string;
  /** Consonants before the vowel, the vowel, then consonants after it. */
  phonemes: Phoneme[];
  /** Index in `phonemes` of the vowel (the nucleus): the part that sings the note. */
  vowel: number;
  /** Extra notes this syllable holds over (melisma): one per `+` written after it. */
  holds: number;
  /** True for the last syllable of a word (a place where a breath or a short gap may go). */
  wordEnd: boolean;
};

export type LyricLine = {
  /** The section this line belongs to, from a header like `[Chorus]`; null before any header. */
  section: string | null;
  syllables: Syllable[];
};

export type Lyrics = { lines: LyricLine[] };

export type Note = {
  /** MIDI note number, 0..127 (60 = C4). */
  midi: number;
  /** Seconds from the start of the song. */
  start: number;
  duration: number;
  /** A lyric event found at this note in the MIDI file, when there is one. */
  lyric?: string;
};

export type Melody = { notes: Note[]; bpm: number };

/** A note with what it sings: a syllable starts on it, or it continues the previous one (melisma). */
export type SungNote = Note & { syllable: Syllable; continues: boolean; line: number };
