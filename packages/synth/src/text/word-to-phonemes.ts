import { type Phoneme } from "../types";
import { lookupCmu } from "./cmu-dictionary";
import { foldSpelling, type Spelling } from "./fold";
import { spellSingable } from "./letter-to-sound";
import { ensureVowel, isVowel } from "./phonemes";

const SIBILANTS = new Set(["s", "z", "sh", "zh", "ch", "jh"]);
const VOICELESS = new Set(["p", "t", "k", "f", "th"]);

/** The English "-s" ending after a stem: "ih z" after a sibilant, "s" after a voiceless sound, else "z". */
function withS(stem: readonly Phoneme[]): Phoneme[] {
  const last = stem[stem.length - 1] ?? "";
  if (SIBILANTS.has(last)) return [...stem, "ih", "z"];
  return [...stem, VOICELESS.has(last) ? "s" : "z"];
}

const endsInVowel = (stem: readonly Phoneme[]) => isVowel(stem[stem.length - 1] ?? "");

// Contractions CMU may lack for a given stem ("renee's", "zorblax'll").
const CONTRACTIONS: [suffix: string, add: (stem: readonly Phoneme[]) => Phoneme[]][] = [
  ["'s", withS],
  ["'ll", (stem) => [...stem, "l"]],
  ["'re", (stem) => (endsInVowel(stem) ? [...stem, "r"] : [...stem, "er"])],
  ["'ve", (stem) => (endsInVowel(stem) ? [...stem, "v"] : [...stem, "ah", "v"])],
  ["'d", (stem) => (endsInVowel(stem) ? [...stem, "d"] : [...stem, "ah", "d"])],
  ["'m", (stem) => [...stem, "m"]],
];

/** The dictionary reading of a key, trying the ways lyrics bend spelling; undefined when none fits. */
function dictionaryReading(key: string): readonly Phoneme[] | undefined {
  const exact = lookupCmu(key);
  if (exact) return exact;
  const trimmed = key.replace(/^'+|'+$/g, "");
  // "lovin'" is "loving" with its last "ng" said "n" (CMU's "lovin" is a surname).
  if (key.endsWith("in'")) {
    const full = lookupCmu(`${trimmed}g`);
    if (full && full[full.length - 1] === "ng") return [...full.slice(0, -1), "n"];
  }
  if (trimmed !== key) {
    const found = lookupCmu(trimmed);
    if (found) return found;
  }
  for (const [suffix, add] of CONTRACTIONS) {
    if (!trimmed.endsWith(suffix) || trimmed.length === suffix.length) continue;
    const stem = lookupCmu(trimmed.slice(0, -suffix.length));
    if (stem) return add(stem);
  }
  if (trimmed.includes("'")) return lookupCmu(trimmed.replaceAll("'", ""));
  return undefined;
}

export type Pronunciation = { phonemes: Phoneme[]; fromDictionary: boolean };

/** CMU first, the letter-to-sound rules otherwise; always with at least one vowel. */
export function pronounce(spelling: Spelling): Pronunciation {
  const known = spelling.key.length > 0 ? dictionaryReading(spelling.key) : undefined;
  if (known) return { phonemes: ensureVowel(known), fromDictionary: true };
  return { phonemes: spellSingable(spelling.letters), fromDictionary: false };
}

/**
 * A written word (any case, accents, apostrophes; no markup) to ARPAbet: the first CMU
 * pronunciation without stress, or the letter-to-sound rules for words it lacks.
 */
export function wordToPhonemes(word: string): Phoneme[] {
  return pronounce(foldSpelling(word)).phonemes;
}
