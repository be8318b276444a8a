import { type Phoneme } from "../types";
import { isVowel } from "./phonemes";

export type PhonemeSyllable = { phonemes: Phoneme[]; vowel: number };

/**
 * Word-initial consonant clusters of English, in ARPAbet (after Giegerich, "English Phonology",
 * 1992, ch. 6, trimmed to the clusters CMU transcriptions produce). Every consonant but "ng" is a
 * legal single onset.
 */
const CLUSTER_ONSETS: ReadonlySet<string> = new Set([
  "p r", "p l", "p y", "b r", "b l", "b y", "t r", "t w", "d r", "d w", "k r", "k l", "k w", "k y",
  "g r", "g l", "g w", "f r", "f l", "f y", "v y", "th r", "th w", "sh r", "m y", "hh y", "hh w",
  "s p", "s t", "s k", "s m", "s n", "s l", "s w", "s f",
  "s p r", "s p l", "s p y", "s t r", "s k r", "s k w", "s k l", "s k y",
]);

export function isLegalOnset(consonants: readonly Phoneme[]): boolean {
  if (consonants.length === 0) return true;
  if (consonants.length === 1) return consonants[0] !== "ng" && !isVowel(consonants[0] ?? "");
  return CLUSTER_ONSETS.has(consonants.join(" "));
}

/**
 * Splits a word's phonemes into syllables: one per vowel, and the consonants between two vowels go
 * to the later syllable as far as they form a legal English onset (the maximal-onset principle):
 * "hh ah l ow" → "hh ah" | "l ow", "eh k s t r ah" → "eh k" | "s t r ah".
 * Consonants before the first vowel open the first syllable; those after the last close it.
 * A sequence without a vowel has no syllable: the result is empty.
 */
export function syllabify(phonemes: readonly Phoneme[]): PhonemeSyllable[] {
  const nuclei: number[] = [];
  for (let i = 0; i < phonemes.length; i++) if (isVowel(phonemes[i] ?? "")) nuclei.push(i);
  if (nuclei.length === 0) return [];

  // starts[k] = index of the first phoneme of syllable k.
  const starts = [0];
  for (let k = 1; k < nuclei.length; k++) {
    const prev = nuclei[k - 1] ?? 0;
    const next = nuclei[k] ?? 0;
    let start = next;
    // Longest legal onset first: at most three consonants ("s t r").
    for (let len = Math.min(3, next - prev - 1); len > 0; len--) {
      if (isLegalOnset(phonemes.slice(next - len, next))) {
        start = next - len;
        break;
      }
    }
    starts.push(start);
  }

  return starts.map((start, k) => {
    const end = starts[k + 1] ?? phonemes.length;
    return { phonemes: phonemes.slice(start, end), vowel: (nuclei[k] ?? start) - start };
  });
}
