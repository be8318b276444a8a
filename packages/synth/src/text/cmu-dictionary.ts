import { createRequire } from "node:module";
import { type Phoneme } from "../types";
import { ARPABET_CONSONANTS, ARPABET_VOWELS } from "./phonemes";

type CmuModule = { dictionary: Record<string, string> };

let dictionary: Record<string, string> | undefined;
const parsed = new Map<string, readonly Phoneme[] | null>();
// Misses are cached too; the bound keeps a stream of made-up words from growing the cache forever.
const MAX_CACHED = 50_000;

/**
 * The CMU Pronouncing Dictionary (135 000 words, about 4.7 MB of source and half a second to
 * evaluate), loaded on first use rather than when the package is imported, so that code which
 * never parses lyrics does not pay for it. Node 20.19+ loads this ES module through require().
 */
export function loadCmuDictionary(): void {
  if (dictionary) return;
  const require = createRequire(import.meta.url);
  dictionary = (require("cmu-pronouncing-dictionary") as CmuModule).dictionary;
}

/** "HH AH0 L OW1" → ["hh", "ah", "l", "ow"]; null when a symbol is not ARPAbet. */
function parseEntry(entry: string): Phoneme[] | null {
  // A few entries carry a comment ("AO1 L B AO0 R G # place, danish").
  const symbols = (entry.split("#")[0] ?? "").trim().split(/\s+/);
  const out: Phoneme[] = [];
  for (const symbol of symbols) {
    const p = symbol.replace(/[012]$/, "").toLowerCase();
    if (!ARPABET_VOWELS.has(p) && !ARPABET_CONSONANTS.has(p)) return null;
    out.push(p);
  }
  return out.length > 0 ? out : null;
}

/**
 * The first CMU pronunciation of a lower-case key ("don't", "hello"), stress removed; undefined
 * for a word the dictionary lacks. The returned array is shared: copy it before changing it.
 */
export function lookupCmu(key: string): readonly Phoneme[] | undefined {
  const cached = parsed.get(key);
  if (cached !== undefined) return cached ?? undefined;
  loadCmuDictionary();
  // hasOwn: lyrics may well contain "constructor" or "__proto__".
  const entry = dictionary && Object.hasOwn(dictionary, key) ? dictionary[key] : undefined;
  const phonemes = entry === undefined ? null : parseEntry(entry);
  if (parsed.size >= MAX_CACHED) parsed.clear();
  parsed.set(key, phonemes);
  return phonemes ?? undefined;
}
