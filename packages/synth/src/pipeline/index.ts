export { acousticFeeds, type AcousticPhrase } from "./acoustic-inputs";
export { midiToHz, phraseF0 } from "./f0";
export { framesOf, layoutPhrases, MAX_PHRASE_SECONDS, PAD_SECONDS, PHRASE_GAP_SECONDS, type Phrase, type TimedPhoneme } from "./score";
export { sing, type SingOptions, type SingResult, type SingTimings } from "./sing";
