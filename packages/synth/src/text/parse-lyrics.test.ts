import { describe, expect, it } from "vitest";
import { SynthError } from "../errors";
import { type Lyrics, type Syllable } from "../types";
import { parseLyrics } from "./parse-lyrics";
import { ARPABET_CONSONANTS, ARPABET_VOWELS } from "./phonemes";

const all = (lyrics: Lyrics): Syllable[] => lyrics.lines.flatMap((l) => l.syllables);
const texts = (lyrics: Lyrics): string[] => all(lyrics).map((s) => s.text);
const sounds = (lyrics: Lyrics): string[] => all(lyrics).map((s) => s.phonemes.join(" "));

/** The sung words: syllable texts joined up to each word end. */
function words(lyrics: Lyrics): string[] {
  const out: string[] = [];
  let word = "";
  for (const s of all(lyrics)) {
    word += s.text;
    if (s.wordEnd) {
      out.push(word);
      word = "";
    }
  }
  return out;
}

function refusal(text: string, opts?: { maxChars?: number }): SynthError {
  try {
    parseLyrics(text, opts);
  } catch (error) {
    if (error instanceof SynthError) return error;
    throw error;
  }
  throw new Error("the lyrics were accepted");
}

describe("parseLyrics: words to syllables", () => {
  it("splits a dictionary word into syllables by maximal onset", () => {
    const [hel, lo, ...rest] = all(parseLyrics("hello"));
    expect(rest).toEqual([]);
    expect(hel).toEqual({ text: "hel", phonemes: ["hh", "ah"], vowel: 1, holds: 0, wordEnd: false });
    expect(lo).toEqual({ text: "lo", phonemes: ["l", "ow"], vowel: 1, holds: 0, wordEnd: true });
  });

  it("reads whole sentences, dropping punctuation and keeping the letters as written", () => {
    const lyrics = parseLyrics("Hello, World! (Happy) days...");
    expect(texts(lyrics)).toEqual(["Hel", "lo", "World", "Hap", "py", "days"]);
    expect(sounds(lyrics)).toEqual(["hh ah", "l ow", "w er l d", "hh ae", "p iy", "d ey z"]);
  });

  it("sings ALL CAPS and mixed case the same as lower case", () => {
    expect(sounds(parseLyrics("HELLO WoRlD"))).toEqual(sounds(parseLyrics("hello world")));
  });

  it("gives every syllable exactly one vowel, at its `vowel` index, and only ARPAbet phonemes", () => {
    const lyrics = parseLyrics(
      "Twinkle twinkle little star, how I wonder what you are\nZorblax met Kwixotl & Renée in 1999\nstrengths of extraordinary rhythm",
    );
    for (const s of all(lyrics)) {
      expect(ARPABET_VOWELS.has(s.phonemes[s.vowel] ?? "")).toBe(true);
      expect(s.phonemes.filter((p) => ARPABET_VOWELS.has(p))).toHaveLength(1);
      for (const p of s.phonemes) expect(ARPABET_VOWELS.has(p) || ARPABET_CONSONANTS.has(p)).toBe(true);
    }
  });

  it("reads words the dictionary lacks with the letter-to-sound rules", () => {
    const lyrics = parseLyrics("zorblax Kwixotl");
    expect(words(lyrics)).toEqual(["zorblax", "Kwixotl"]);
    expect(sounds(lyrics)).toEqual(["z ao r", "b l ae k s", "k w ih k", "s aa", "t ah l"]);
  });

  it("folds accents for the pronunciation but keeps them in the text", () => {
    const lyrics = parseLyrics("Renée");
    expect(texts(lyrics)).toEqual(["Re", "née"]);
    expect(sounds(lyrics)).toEqual(sounds(parseLyrics("renee")));
  });
});

describe("parseLyrics: lines, stanzas and sections", () => {
  it("makes one line per lyric line and none for blank lines", () => {
    const lyrics = parseLyrics("one two\n\n   \n\t\nthree\r\nfour\n");
    expect(lyrics.lines.map((l) => l.syllables.map((s) => s.text).join(" "))).toEqual(["one two", "three", "four"]);
  });

  it("takes headers on their own line as the section of the lines after them, without singing them", () => {
    const lyrics = parseLyrics("intro line\n[Chorus]\nla la\n\n(Verse 2)\nhey there\nBridge:\nyo\n[Verse 1: Anna]\nfine");
    expect(lyrics.lines.map((l) => [l.section, words({ lines: [l] }).join(" ")])).toEqual([
      [null, "intro line"],
      ["Chorus", "la la"],
      ["Verse 2", "hey there"],
      ["Bridge", "yo"],
      ["Verse 1: Anna", "fine"],
    ]);
  });

  it("sings a parenthesised line that is not a section name", () => {
    const lyrics = parseLyrics("[Chorus]\n(ooh baby)");
    expect(lyrics.lines).toHaveLength(1);
    expect(lyrics.lines[0]?.section).toBe("Chorus");
    expect(words(lyrics)).toEqual(["ooh", "baby"]);
  });

  it("drops bracketed annotations inside a line and honours a header at the start of one", () => {
    const lyrics = parseLyrics("[Hook] na na [x2]\nhey [laughs] you");
    expect(lyrics.lines.map((l) => l.section)).toEqual(["Hook", "Hook"]);
    expect(words(lyrics)).toEqual(["na", "na", "hey", "you"]);
  });
});

describe("parseLyrics: text clean-up", () => {
  it("keeps apostrophes inside words", () => {
    const lyrics = parseLyrics("Don't stop rock'n'roll");
    expect(words(lyrics)).toEqual(["Don't", "stop", "rock'n'roll"]);
    expect(sounds(lyrics)).toEqual(["d ow n t", "s t aa p", "r aa", "k ah n", "r ow l"]);
  });

  it("treats curly apostrophes like straight ones and dashes as word breaks", () => {
    expect(sounds(parseLyrics("Don\u2019t love\u2014hate"))).toEqual(sounds(parseLyrics("don't love hate")));
    expect(words(parseLyrics("love\u2013hate -- now"))).toEqual(["love", "hate", "now"]);
  });

  it("strips quotes around a word but keeps apostrophes a word owns", () => {
    expect(words(parseLyrics("'hello' 'cause lovin' \u2018you\u2019"))).toEqual(["hello", "'cause", "lovin'", "you"]);
    expect(sounds(parseLyrics("lovin'"))).toEqual(["l ah", "v ih n"]);
  });

  it("writes numbers out as words", () => {
    expect(words(parseLyrics("22 reasons"))).toEqual(["twenty", "two", "reasons"]);
    expect(words(parseLyrics("party like it's 1999"))).toEqual(["party", "like", "it's", "nineteen", "ninety", "nine"]);
    expect(words(parseLyrics("the 3rd time"))).toEqual(["the", "third", "time"]);
    expect(words(parseLyrics("you & me"))).toEqual(["you", "and", "me"]);
  });
});

describe("parseLyrics: markup", () => {
  it("splits a word where a `-` is written, using the whole word's pronunciation", () => {
    expect(all(parseLyrics("hel-lo")).map((s) => [s.text, s.phonemes.join(" ")])).toEqual([
      ["hel", "hh ah"],
      ["lo", "l ow"],
    ]);
    // The written boundary decides which syllable a consonant goes to.
    expect(sounds(parseLyrics("hell-o"))).toEqual(["hh ah l", "ow"]);
    expect(texts(parseLyrics("a-maz-ing"))).toEqual(["a", "maz", "ing"]);
    expect(all(parseLyrics("a-maz-ing")).map((s) => s.wordEnd)).toEqual([false, false, true]);
  });

  it("follows the written split when it has more pieces than the word has syllables", () => {
    const lyrics = parseLyrics("beau-ti-ful-ly zor-blax");
    expect(texts(lyrics)).toEqual(["beau", "ti", "ful", "ly", "zor", "blax"]);
    expect(all(lyrics).map((s) => s.wordEnd)).toEqual([false, false, false, true, false, true]);
  });

  it("stretches a vowel written twice across a `-` over several syllables", () => {
    const lyrics = parseLyrics("lo-ove");
    expect(all(lyrics).map((s) => [s.text, s.phonemes.join(" "), s.vowel])).toEqual([
      ["lo", "l ah", 1],
      ["ove", "ah v", 0],
    ]);
  });

  it("adds one hold per `+` to the syllable before it", () => {
    expect(all(parseLyrics("love+ you")).map((s) => s.holds)).toEqual([1, 0]);
    expect(all(parseLyrics("lo-ove++")).map((s) => s.holds)).toEqual([0, 2]);
    expect(all(parseLyrics("hel+-lo")).map((s) => s.holds)).toEqual([1, 0]);
    expect(all(parseLyrics("oh + + yeah")).map((s) => [s.text, s.holds])).toEqual([
      ["oh", 2],
      ["yeah", 0],
    ]);
  });

  it("lets a `+` at the start of a line extend the last syllable of the line before", () => {
    const lyrics = parseLyrics("sing\n+ now");
    expect(lyrics.lines.map((l) => l.syllables.map((s) => [s.text, s.holds]))).toEqual([[["sing", 1]], [["now", 0]]]);
  });
});

describe("parseLyrics: bounds", () => {
  it("refuses lyrics with nothing to sing", () => {
    for (const text of ["", "   \n\t  \n", "[Chorus]\n(Verse 2)", "... !!! ?? -- ,", "+ +"]) {
      const error = refusal(text);
      expect(error.code).toBe("INVALID_LYRICS");
      expect(error.message).toBe("The lyrics have no words to sing.");
    }
  });

  it("refuses 100 kB of lyrics, naming the limit", () => {
    const error = refusal("la ".repeat(34_000));
    expect(error.code).toBe("INVALID_LYRICS");
    expect(error.message).toContain("20000");
  });

  it("honours a custom character limit", () => {
    expect(refusal("hello world", { maxChars: 10 }).message).toContain("10");
    expect(words(parseLyrics("hello world", { maxChars: 11 }))).toEqual(["hello", "world"]);
  });

  it("refuses a word longer than 64 letters, naming it, and accepts one of 64", () => {
    const long = "ab".repeat(32) + "c";
    const error = refusal(`sing ${long} now`);
    expect(error.code).toBe("INVALID_LYRICS");
    expect(error.message).toContain(long);
    expect(words(parseLyrics("ab".repeat(32)))).toHaveLength(1);
  });

  it("accepts 2000 syllables and refuses 2001", () => {
    expect(all(parseLyrics("la ".repeat(2000)))).toHaveLength(2000);
    const error = refusal("la ".repeat(2001));
    expect(error.code).toBe("INVALID_LYRICS");
    expect(error.message).toContain("2000");
  });
});

describe("parseLyrics: repeatability", () => {
  it("gives the same result every time, in objects the caller may change", () => {
    const text = "[Verse]\nHello darling, zorblax++ hel-lo 22\n\nhello again";
    const first = parseLyrics(text);
    const copy = structuredClone(first);
    const firstSyllable = first.lines[0]?.syllables[0];
    if (!firstSyllable) throw new Error("no syllable");
    firstSyllable.phonemes.push("zh");
    firstSyllable.holds = 9;
    expect(parseLyrics(text)).toEqual(copy);
  });
});
