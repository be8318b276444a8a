/**
 * Deterministic song lyrics for the singing benchmark: lines of ordinary English words, eight
 * syllables each by default, so that the melody `sing` generates looks like a real song's (one
 * note a syllable, a long note and a rest at each line's end) and its length grows with the line
 * count. Longer lines make longer phrases, which is what the vocoder's memory follows.
 */

import { mulberry32 } from "@mini-studio/audio";

/** Common words, all in the CMU dictionary, grouped by their syllable count there. */
const WORDS: Record<1 | 2 | 3, readonly string[]> = {
  1: [
    "the", "light", "rain", "sky", "home", "road", "night", "day", "heart", "dream", "song", "wind",
    "sea", "gold", "stone", "town", "we", "you", "I", "go", "run", "fly", "sing", "hold",
    "find", "fall", "turn", "walk", "stay", "down", "through", "on", "in", "with", "and", "my",
    "your", "all", "now", "still", "slow", "bright", "blue", "warm", "cold", "long", "old", "new",
  ],
  2: [
    "morning", "river", "golden", "silver", "window", "over", "under", "yellow", "open", "quiet",
    "mountain", "summer", "winter", "shadow", "city", "carry", "follow", "little", "gentle",
    "ocean", "fire", "silent", "hollow", "maybe", "away", "again", "alone", "hello", "dancing",
  ],
  3: ["forever", "together", "beautiful", "remember", "tomorrow", "yesterday", "another", "everything"],
};


export type SongLyricsOptions = { syllablesPerLine?: number; seed?: number };

/**
 * `lines` lines of lyrics, the same text for the same arguments; for one seed and line length,
 * the text for n lines begins with the text for n − 1.
 */
export function songLyrics(lines: number, { syllablesPerLine = 8, seed = 1 }: SongLyricsOptions = {}): string {
  const random = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const words: string[] = [];
    let syllables = 0;
    while (syllables < syllablesPerLine) {
      // Mostly short words, as lyrics are; never past the line's syllable budget.
      const roll = random();
      const wanted = roll < 0.6 ? 1 : roll < 0.9 ? 2 : 3;
      const count = Math.min(wanted, syllablesPerLine - syllables) as 1 | 2 | 3;
      const pool = WORDS[count];
      words.push(pool[Math.floor(random() * pool.length)]!);
      syllables += count;
    }
    out.push(words.join(" "));
  }
  return out.join("\n");
}
