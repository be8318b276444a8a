import { type Phoneme } from "../types";

/** The vowels of the CMU dictionary's ARPAbet (39-phoneme set), without stress marks. */
export const ARPABET_VOWELS: ReadonlySet<Phoneme> = new Set([
  "aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw",
]);

/** The consonants of the same set. */
export const ARPABET_CONSONANTS: ReadonlySet<Phoneme> = new Set([
  "b", "ch", "d", "dh", "f", "g", "hh", "jh", "k", "l", "m", "n", "ng", "p", "r", "s", "sh", "t", "th", "v", "w", "y", "z", "zh",
]);

export function isVowel(p: Phoneme): boolean {
  return ARPABET_VOWELS.has(p);
}

/**
 * Gives a vowel-less pronunciation ("hmm" is "hh m" in CMU, "psst" has no vowel letter) a schwa
 * before its last consonant, so it can carry a note: "hh ah m", "s ah t", "sh" → "ah sh".
 */
export function ensureVowel(phonemes: readonly Phoneme[]): Phoneme[] {
  if (phonemes.some(isVowel)) return [...phonemes];
  if (phonemes.length === 0) return ["ah"];
  return [...phonemes.slice(0, -1), "ah", ...phonemes.slice(-1)];
}
