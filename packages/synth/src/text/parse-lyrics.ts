import { SynthError } from "../errors";
import { type LyricLine, type Lyrics, type Syllable } from "../types";
import { parseHeader } from "./headers";
import { normalizeLyrics } from "./normalize";
import { tokenizeLine } from "./tokenize";
import { syllablesOfWord } from "./word-syllables";

export const DEFAULT_MAX_LYRICS_CHARS = 20_000;
export const MAX_SYLLABLES = 2000;

export type ParseLyricsOptions = {
  /** Longest accepted lyrics, in UTF-16 code units (JavaScript string length). Default 20 000. */
  maxChars?: number;
};

function invalid(message: string, details?: Record<string, unknown>): SynthError {
  return new SynthError("INVALID_LYRICS", message, details);
}

/**
 * Lyrics as typed by a user to lines of syllables with ARPAbet phonemes.
 * - Blank lines separate stanzas and give no line; `[Chorus]`, `(Verse 2)` or `Bridge:` on a line
 *   of its own names the section of the lines after it and is not sung.
 * - Punctuation is dropped, numbers are written out ("22" → "twenty two"), "&" is "and".
 * - `hel-lo` splits syllables where written; `love+` (or a separate `+`) makes the syllable
 *   before it hold one more note per `+`.
 * Throws SynthError INVALID_LYRICS for lyrics with nothing to sing, longer than `maxChars`, with
 * a word over 64 letters or over 2000 syllables.
 */
export function parseLyrics(text: string, opts: ParseLyricsOptions = {}): Lyrics {
  if (typeof text !== "string") throw invalid("The lyrics must be text.");
  const maxChars = opts.maxChars ?? DEFAULT_MAX_LYRICS_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw new SynthError("INVALID_INPUT", `maxChars must be a positive whole number, not ${String(maxChars)}.`);
  }
  // Checked before anything else looks at the text, so an oversized paste is refused at once.
  if (text.length > maxChars) {
    throw invalid(`The lyrics are ${text.length} characters long; the limit is ${maxChars}.`, {
      length: text.length,
      maxChars,
    });
  }

  const lines: LyricLine[] = [];
  let section: string | null = null;
  let previous: Syllable | undefined;
  let count = 0;
  for (const raw of normalizeLyrics(text).split("\n")) {
    let line = raw.trim();
    if (line === "") continue;
    const header = parseHeader(line);
    if (header) {
      section = header.section;
      line = header.rest.trim();
      if (line === "") continue;
    }
    const syllables: Syllable[] = [];
    for (const token of tokenizeLine(line)) {
      if (token.kind === "hold") {
        // A `+` with nothing sung before it has nothing to extend.
        if (previous) previous.holds += token.count;
        continue;
      }
      const word = syllablesOfWord(token.pieces);
      count += word.length;
      if (count > MAX_SYLLABLES) {
        throw invalid(`The lyrics have more than ${MAX_SYLLABLES} syllables; the limit is ${MAX_SYLLABLES}.`, {
          maxSyllables: MAX_SYLLABLES,
        });
      }
      syllables.push(...word);
      previous = word[word.length - 1] ?? previous;
    }
    if (syllables.length > 0) lines.push({ section, syllables });
  }
  if (lines.length === 0) throw invalid("The lyrics have no words to sing.");
  return { lines };
}
