import { describe, expect, it } from "vitest";
import { letterToSound } from "./letter-to-sound";
import { ARPABET_CONSONANTS, ARPABET_VOWELS } from "./phonemes";
import { syllabify } from "./syllabify";

const say = (word: string) => letterToSound(word).join(" ");

describe("letterToSound", () => {
  it("reads invented words with a vowel in every syllable", () => {
    expect(say("zorblax")).toBe("z ao r b l ae k s");
    expect(say("Kwixotl")).toBe("k w ih k s aa t ah l");
    expect(say("Renée")).toBe(say("renee"));
    for (const word of ["zorblax", "Kwixotl", "Renée", "glorptastic", "Xiomara", "sprongle"]) {
      const syllables = syllabify(letterToSound(word));
      expect(syllables.length).toBeGreaterThan(0);
      for (const s of syllables) expect(ARPABET_VOWELS.has(s.phonemes[s.vowel] ?? "")).toBe(true);
    }
  });

  it("knows the common English grapheme clusters", () => {
    expect(say("phigment")).toBe("f ih g m eh n t");
    expect(say("blation")).toBe("b l ey sh ah n");
    expect(say("chashboth")).toBe("ch ae sh b aa th");
    expect(say("quickle")).toBe("k w ih k ah l");
    expect(say("moonbeam")).toBe("m uw n b iy m");
    expect(say("snout")).toBe("s n aw t");
    expect(say("glay")).toBe("g l ey");
    expect(say("brain")).toBe("b r ey n");
  });

  it("lengthens a vowel before a final silent e and reads final y", () => {
    expect(say("thrake")).toBe("th r ey k");
    expect(say("zone")).toBe("z ow n");
    expect(say("flimmy")).toBe("f l ih m iy");
    expect(say("fly")).toBe("f l ay");
  });

  it("never throws and always gives at least one vowel, whatever the letters", () => {
    const inputs = ["", "!!!", "bcdfg", "hmm", "psst", "Ñandú", "Ætherling", "straße", "Москва", "Ελλάδα", "日本", "🎵🎶", "x".repeat(64)];
    for (const input of inputs) {
      const phonemes = letterToSound(input);
      expect(phonemes.some((p) => ARPABET_VOWELS.has(p))).toBe(true);
      for (const p of phonemes) expect(ARPABET_VOWELS.has(p) || ARPABET_CONSONANTS.has(p)).toBe(true);
    }
  });

  it("reads letters from other scripts through a romanisation", () => {
    expect(say("Москва")).toBe(say("moskva"));
    expect(say("Ñandú")).toBe(say("nandu"));
  });
});
