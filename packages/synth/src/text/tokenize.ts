import { SynthError } from "../errors";
import { lookupCmu } from "./cmu-dictionary";
import { foldSpelling } from "./fold";
import { expandNumbers } from "./numbers";
import { type WrittenPiece } from "./word-syllables";

export const MAX_WORD_LETTERS = 64;

/** A word to sing, or `+` marks that extend whatever syllable was sung last. */
export type Token = { kind: "word"; pieces: WrittenPiece[] } | { kind: "hold"; count: number };

const LETTER = /\p{L}/u;
const LETTERS = /\p{L}/gu;
// Everything but letters (with their combining marks), apostrophes, the `-` and `+` markup and spaces.
const NOT_LYRIC = /[^\p{L}\p{M}'+\-\s]+/gu;
// Stage directions and annotations inside a line: "[x2]", "[laughs]".
const BRACKETED = /\[[^[\]\n]*\]/g;

/**
 * Quotes around a word are punctuation ('hello'), but some words own an apostrophe at an end:
 * "'cause", "'til" (when CMU has them) and "lovin'", "boys'" (when no opening quote was seen).
 */
function trimQuotes(pieces: WrittenPiece[]): void {
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!first || !last) return;
  let opened = false;
  if (first.written.startsWith("'")) {
    const bare = first.written.replace(/^'+/, "");
    const owned = lookupCmu(foldSpelling(`'${bare}`).key.replace(/'+$/, "")) !== undefined;
    first.written = owned ? `'${bare}` : bare;
    opened = !owned;
  }
  if (last.written.endsWith("'")) {
    const bare = last.written.replace(/'+$/, "");
    const key = foldSpelling(bare).key;
    const owned = !opened && (key.endsWith("in") || key.endsWith("s") || lookupCmu(`${key}'`) !== undefined);
    last.written = owned ? `${bare}'` : bare;
  }
}

function describe(word: string): string {
  return word.length > 80 ? `${word.slice(0, 80)}…` : word;
}

/** One whitespace-separated chunk: `hel-lo`, `love+`, `lo-ove++`, `+`. */
function splitChunk(chunk: string, out: Token[]): void {
  const pieces: WrittenPiece[] = [];
  let current = "";
  let holds = 0;
  let leadingHolds = 0;
  const close = () => {
    if (LETTER.test(current)) pieces.push({ written: current, holds });
    else if (holds > 0) {
      const prev = pieces[pieces.length - 1];
      if (prev) prev.holds += holds;
      else leadingHolds += holds;
    }
    current = "";
    holds = 0;
  };
  for (const ch of chunk) {
    if (ch === "+") {
      if (!LETTER.test(current) && pieces.length === 0) leadingHolds++;
      else holds++;
    } else if (ch === "-") {
      close();
    } else {
      // Letters after a `+` start a new syllable: "lo+ve" is "lo+" then "ve".
      if (holds > 0) close();
      current += ch;
    }
  }
  close();
  if (leadingHolds > 0) out.push({ kind: "hold", count: leadingHolds });
  if (pieces.length === 0) return;

  const letters = pieces.reduce((n, p) => n + (p.written.match(LETTERS)?.length ?? 0), 0);
  const word = pieces.map((p) => p.written).join("-");
  if (letters > MAX_WORD_LETTERS) {
    throw new SynthError(
      "INVALID_LYRICS",
      `The word "${describe(word)}" is ${letters} letters long; a word may have at most ${MAX_WORD_LETTERS}.`,
      { word: describe(word), letters, maxLetters: MAX_WORD_LETTERS },
    );
  }
  trimQuotes(pieces);
  out.push({ kind: "word", pieces });
}

/** The sung tokens of one lyric line (a line that is not a header). */
export function tokenizeLine(line: string): Token[] {
  const text = expandNumbers(line.replace(BRACKETED, " ").replaceAll("&", " and "))
    .replaceAll("%", " percent ")
    .replace(NOT_LYRIC, " ");
  const tokens: Token[] = [];
  for (const chunk of text.split(/\s+/)) if (chunk !== "") splitChunk(chunk, tokens);
  return tokens;
}
