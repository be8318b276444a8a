import { type Syllable } from "../types";
import { letterBoundaries } from "./align-letters";
import { foldSpelling, type Spelling } from "./fold";
import { isVowelLetter, spellLetters } from "./letter-to-sound";
import { isVowel } from "./phonemes";
import { type PhonemeSyllable, syllabify } from "./syllabify";
import { pronounce } from "./word-to-phonemes";

/** One piece of a word as written between `-` marks, with the `+` holds written after it. */
export type WrittenPiece = { written: string; holds: number };

type SyllableShape = { text: string; phonemes: string[]; vowel: number };

// Words repeat a lot in lyrics (choruses): each distinct written word is worked out once.
const cache = new Map<string, readonly SyllableShape[]>();
const MAX_CACHED = 20_000;

/** The text of each syllable: slices of the written word at the letter boundaries. */
function sliceWritten(spelling: Spelling, bounds: readonly number[], count: number): string[] {
  const texts: string[] = [];
  let from = 0;
  for (let k = 0; k < count; k++) {
    const b = bounds[k];
    const to = k === count - 1 || b === undefined ? spelling.written.length : (spelling.at[b] ?? spelling.written.length);
    texts.push(spelling.written.slice(from, to));
    from = to;
  }
  return texts;
}

function shapesOf(written: string): readonly SyllableShape[] {
  const cached = cache.get(written);
  if (cached) return cached;
  const spelling = foldSpelling(written);
  const syllables = syllabify(pronounce(spelling).phonemes);
  const texts = sliceWritten(spelling, letterBoundaries(spelling.letters, syllables), syllables.length);
  const shapes = syllables.map((s, k) => ({ text: texts[k] ?? "", phonemes: s.phonemes, vowel: s.vowel }));
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(written, shapes);
  return shapes;
}

function consonantSounds(letters: string): number {
  return spellLetters(letters).filter((p) => !isVowel(p)).length;
}

function leadingConsonants(letters: string): string {
  let i = 0;
  while (i < letters.length && !isVowelLetter(letters, i)) i++;
  return letters.slice(0, i);
}

function trailingConsonants(word: string): string {
  // A silent final "e" hides the consonants before it: "love-ly" ends in "v".
  const silentE = word.length > 2 && word.endsWith("e") && !isVowelLetter(word, word.length - 2);
  const letters = silentE ? word.slice(0, -1) : word;
  let i = letters.length;
  while (i > 0 && !isVowelLetter(letters, i - 1)) i--;
  return letters.slice(i);
}

/**
 * A dictionary pronunciation split where the writer put the `-` marks, one syllable per piece.
 * Consonants between two vowels go where the letters say: "hel-lo" → "hh ah" | "l ow",
 * "hell-o" → "hh ah l" | "ow".
 */
function splitAtWritten(syllables: readonly PhonemeSyllable[], pieces: readonly Spelling[]): PhonemeSyllable[] {
  const phonemes = syllables.flatMap((s) => s.phonemes);
  const nuclei: number[] = [];
  let offset = 0;
  for (const s of syllables) {
    nuclei.push(offset + s.vowel);
    offset += s.phonemes.length;
  }
  const starts = [0];
  for (let k = 1; k < nuclei.length; k++) {
    const prev = nuclei[k - 1] ?? 0;
    const next = nuclei[k] ?? 0;
    const between = next - prev - 1;
    const coda = consonantSounds(trailingConsonants(pieces[k - 1]?.letters ?? ""));
    const onset = consonantSounds(leadingConsonants(pieces[k]?.letters ?? ""));
    starts.push(next - (coda === 0 ? between : Math.min(onset, between)));
  }
  return starts.map((start, k) => {
    const end = starts[k + 1] ?? phonemes.length;
    return { phonemes: phonemes.slice(start, end), vowel: (nuclei[k] ?? start) - start };
  });
}

/**
 * "lo-ove", "go-o-o": a vowel letter repeated across a `-` stretches one syllable's vowel over
 * several notes. The word is read without the repeats ("love") and the stretched syllable is cut
 * into onset + vowel, the vowel alone, and vowel + coda. Null when the marks are not such a stretch
 * or the reading does not have one syllable per run of pieces.
 */
function stretchedVowel(pieces: readonly WrittenPiece[], spellings: readonly Spelling[]): Syllable[] | null {
  const runs: number[][] = [[0]];
  for (let k = 1; k < spellings.length; k++) {
    const before = spellings[k - 1]?.letters ?? "";
    const after = spellings[k]?.letters ?? "";
    const repeats = before.length > 0 && before.at(-1) === after[0] && isVowelLetter(before, before.length - 1);
    if (repeats) runs[runs.length - 1]?.push(k);
    else runs.push([k]);
  }
  if (runs.length === pieces.length) return null;
  const written = (k: number) => pieces[k]?.written ?? "";
  const runWords = runs.map((run) => run.map(written).join(""));
  // The word as it would be written without the stretch: each repeat's first letter dropped.
  const plain = runs
    .map((run) => run.map((k, n) => (n === 0 ? written(k) : written(k).slice(spellings[k]?.at[1] ?? 1))).join(""))
    .join("");
  const syllables = syllabify(pronounce(foldSpelling(plain)).phonemes);
  if (syllables.length !== runs.length) return null;
  const split = splitAtWritten(syllables, runWords.map(foldSpelling));
  const out: Syllable[] = [];
  runs.forEach((run, r) => {
    const s = split[r];
    if (!s) return;
    const onset = s.phonemes.slice(0, s.vowel);
    const vowel = s.phonemes[s.vowel] ?? "ah";
    const coda = s.phonemes.slice(s.vowel + 1);
    run.forEach((k, n) => {
      const first = n === 0;
      const last = n === run.length - 1;
      const phonemes = [...(first ? onset : []), vowel, ...(last ? coda : [])];
      out.push({ text: written(k), phonemes, vowel: first ? onset.length : 0, holds: pieces[k]?.holds ?? 0, wordEnd: false });
    });
  });
  return out;
}

function toSyllables(shapes: readonly SyllableShape[], holds: number): Syllable[] {
  return shapes.map((s, k) => ({
    text: s.text,
    phonemes: [...s.phonemes],
    vowel: s.vowel,
    holds: k === shapes.length - 1 ? holds : 0,
    wordEnd: false,
  }));
}

/**
 * The syllables of one written word. Without `-` marks the pronunciation is syllabified by
 * maximal onset. With them, the dictionary reading of the whole word is split at the marks when
 * it has one syllable per piece; a repeated vowel letter ("lo-ove") stretches a syllable;
 * otherwise each piece is read on its own. A piece's holds go to
 * its last syllable; the word's last syllable has `wordEnd`.
 */
export function syllablesOfWord(pieces: readonly WrittenPiece[]): Syllable[] {
  let out: Syllable[] = [];
  if (pieces.length === 1) {
    const piece = pieces[0];
    if (piece) out = toSyllables(shapesOf(piece.written), piece.holds);
  } else if (pieces.length > 1) {
    const spellings = pieces.map((p) => foldSpelling(p.written));
    const whole = pronounce(foldSpelling(pieces.map((p) => p.written).join("")));
    const syllables = whole.fromDictionary ? syllabify(whole.phonemes) : [];
    if (syllables.length === pieces.length) {
      out = splitAtWritten(syllables, spellings).map((s, k) => ({
        text: pieces[k]?.written ?? "",
        phonemes: s.phonemes,
        vowel: s.vowel,
        holds: pieces[k]?.holds ?? 0,
        wordEnd: false,
      }));
    } else {
      out = stretchedVowel(pieces, spellings) ?? pieces.flatMap((p) => toSyllables(shapesOf(p.written), p.holds));
    }
  }
  const last = out[out.length - 1];
  if (last) last.wordEnd = true;
  return out;
}
