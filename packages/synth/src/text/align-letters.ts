import { type Phoneme } from "../types";
import { isVowelLetter } from "./letter-to-sound";
import { isVowel } from "./phonemes";
import { type PhonemeSyllable } from "./syllabify";

/*
 * Where a word's letters split between its syllables, for the syllable texts ("hap|py"). The
 * letters are aligned to the phonemes by dynamic programming (edit distance in the manner of
 * Needleman–Wunsch, with costs from which sounds each letter can spell), then each syllable
 * starts at the letter of its first phoneme. Best effort: it is for display and MIDI lyric
 * matching, not for pronunciation.
 */

// The sounds each letter commonly spells in English (a reduced phonics table).
const SPELLS: Record<string, readonly Phoneme[]> = {
  a: ["aa", "ae", "ah", "ao", "aw", "ay", "eh", "ey", "ih", "er"],
  b: ["b"],
  c: ["k", "s", "ch", "sh"],
  d: ["d", "t", "jh"],
  e: ["eh", "iy", "ih", "ah", "er", "ey", "y"],
  f: ["f", "v"],
  g: ["g", "jh", "zh", "ng"],
  h: ["hh"],
  i: ["ih", "ay", "iy", "ah", "er", "y"],
  j: ["jh", "y", "hh", "zh"],
  k: ["k"],
  l: ["l"],
  m: ["m"],
  n: ["n", "ng"],
  o: ["aa", "ao", "ow", "ah", "uw", "uh", "aw", "oy", "er", "w"],
  p: ["p", "f"],
  q: ["k"],
  r: ["r", "er"],
  s: ["s", "z", "sh", "zh"],
  t: ["t", "th", "dh", "sh", "ch", "d"],
  u: ["ah", "uw", "uh", "y", "er", "w", "ih"],
  v: ["v"],
  w: ["w", "uw", "ow", "aw", "ao"],
  x: ["k", "s", "z", "g"],
  y: ["iy", "ih", "ay", "y", "ey", "oy"],
  z: ["z", "s", "zh", "t"],
};

function matchCost(letters: string, i: number, p: Phoneme): number {
  if (SPELLS[letters[i] ?? ""]?.includes(p)) return 0;
  const vowelLetter = isVowelLetter(letters, i);
  if (vowelLetter !== isVowel(p)) return 3;
  return vowelLetter ? 1 : 2;
}

// A letter that says nothing: cheap for a doubled letter, a silent "e" or "h", dearer otherwise.
function skipLetterCost(letters: string, i: number): number {
  const c = letters[i];
  if (c === letters[i - 1] || c === "e" || c === "h" || (c === "k" && letters[i - 1] === "c")) return 0.6;
  return 1;
}

// A phoneme with no letter of its own: the second sound of "x", or an inserted schwa; consonants
// are nearly always spelled, so a consonant without a letter is dear.
function insertPhonemeCost(letters: string, i: number, p: Phoneme): number {
  if (SPELLS[letters[i - 1] ?? ""]?.includes(p)) return 0.5;
  return isVowel(p) ? 1.2 : 2;
}

/** For each phoneme, the index of the letter it is aligned to (an inserted one: the letter before). */
function alignToLetters(letters: string, phonemes: readonly Phoneme[]): number[] {
  const rows = letters.length + 1;
  const cols = phonemes.length + 1;
  const cost = new Float64Array(rows * cols).fill(Infinity);
  // 0 = match, 1 = letter skipped, 2 = phoneme inserted.
  const move = new Uint8Array(rows * cols);
  cost[0] = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const here = i * cols + j;
      if (i > 0 && j > 0) {
        const c = (cost[here - cols - 1] ?? Infinity) + matchCost(letters, i - 1, phonemes[j - 1] ?? "");
        if (c < (cost[here] ?? Infinity)) [cost[here], move[here]] = [c, 0];
      }
      if (i > 0) {
        const c = (cost[here - cols] ?? Infinity) + skipLetterCost(letters, i - 1);
        if (c < (cost[here] ?? Infinity)) [cost[here], move[here]] = [c, 1];
      }
      if (j > 0) {
        const c = (cost[here - 1] ?? Infinity) + insertPhonemeCost(letters, i, phonemes[j - 1] ?? "");
        if (c < (cost[here] ?? Infinity)) [cost[here], move[here]] = [c, 2];
      }
    }
  }
  const letterOf: number[] = new Array<number>(phonemes.length).fill(0);
  let i = letters.length;
  let j = phonemes.length;
  while (j > 0) {
    const m = i === 0 ? 2 : move[i * cols + j];
    if (m === 0) letterOf[--j] = --i;
    else if (m === 1) i--;
    else letterOf[--j] = Math.max(0, i - 1);
  }
  return letterOf;
}

function evenSplit(length: number, count: number): number[] {
  const bounds: number[] = [];
  for (let k = 1; k < count; k++) bounds.push(length >= count ? Math.round((k * length) / count) : Math.min(k, length));
  return bounds;
}

/** count − 1 letter indices, non-decreasing, splitting `letters` between the syllables. */
export function letterBoundaries(letters: string, syllables: readonly PhonemeSyllable[]): number[] {
  if (syllables.length <= 1) return [];
  if (letters.length < syllables.length) return evenSplit(letters.length, syllables.length);
  const letterOf = alignToLetters(
    letters,
    syllables.flatMap((s) => s.phonemes),
  );
  const bounds: number[] = [];
  let first = 0;
  let prev = 0;
  for (let k = 0; k < syllables.length - 1; k++) {
    first += syllables[k]?.phonemes.length ?? 0;
    const onsetLetter = letterOf[first] ?? letters.length;
    // An inserted phoneme starting a syllable hangs on the letter before: the syllable starts after it.
    let b = letterOf[first - 1] === onsetLetter ? onsetLetter + 1 : onsetLetter;
    // A doubled consonant (or "ck") is split between the syllables: "hap|py", "hel|lo", "roc|kin".
    const c = letters[b];
    if (c !== undefined && !isVowelLetter(letters, b) && (letters[b + 1] === c || (c === "c" && letters[b + 1] === "k"))) b++;
    if (b <= prev || b >= letters.length) return evenSplit(letters.length, syllables.length);
    bounds.push(b);
    prev = b;
  }
  return bounds;
}
