import { describe, expect, it } from "vitest";
import { syllabify } from "./syllabify";

const split = (phonemes: string) => syllabify(phonemes.split(" ")).map((s) => s.phonemes.join(" "));

describe("syllabify", () => {
  it("gives the consonants between two vowels to the later syllable as far as English allows", () => {
    expect(split("hh ah l ow")).toEqual(["hh ah", "l ow"]);
    expect(split("eh k s t r ah")).toEqual(["eh k", "s t r ah"]);
    expect(split("ah p l ay")).toEqual(["ah", "p l ay"]);
    expect(split("k w ih k s aa t ah l")).toEqual(["k w ih k", "s aa", "t ah l"]);
    expect(split("ih n s p ay r")).toEqual(["ih n", "s p ay r"]);
  });

  it("never starts a syllable with ng or an illegal cluster", () => {
    expect(split("m ah ng k iy")).toEqual(["m ah ng", "k iy"]);
    expect(split("s ih ng er")).toEqual(["s ih ng", "er"]);
    expect(split("ae t l ae s")).toEqual(["ae t", "l ae s"]);
  });

  it("keeps word-initial and word-final consonants with the first and last syllables", () => {
    expect(split("s t r eh ng k th s")).toEqual(["s t r eh ng k th s"]);
    expect(syllabify("s t r ih ng z".split(" "))).toEqual([{ phonemes: ["s", "t", "r", "ih", "ng", "z"], vowel: 3 }]);
  });

  it("marks the vowel of each syllable, one syllable per vowel, and none without a vowel", () => {
    expect(syllabify(["iy", "ow"])).toEqual([
      { phonemes: ["iy"], vowel: 0 },
      { phonemes: ["ow"], vowel: 0 },
    ]);
    expect(syllabify(["hh", "m"])).toEqual([]);
    expect(syllabify([])).toEqual([]);
  });
});
