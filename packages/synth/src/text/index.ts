export { parseLyrics, DEFAULT_MAX_LYRICS_CHARS, MAX_SYLLABLES, type ParseLyricsOptions } from "./parse-lyrics";
export { MAX_WORD_LETTERS } from "./tokenize";
export { wordToPhonemes } from "./word-to-phonemes";
export { letterToSound } from "./letter-to-sound";
export { syllabify, isLegalOnset, type PhonemeSyllable } from "./syllabify";
export { ARPABET_VOWELS, ARPABET_CONSONANTS, isVowel } from "./phonemes";
export { loadCmuDictionary, type CmuDictionaryStatus } from "./cmu-dictionary";
