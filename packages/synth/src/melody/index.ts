export { alignSyllables, splitPhrases, MIN_SPLIT_SECONDS } from "./align";
export { generateMelody, GENERATE_LIMITS, type GenerateMelodyOptions } from "./generate";
export { listMidiTracks, melodyFromMidi, MIDI_LIMITS, type MelodyFromMidiOptions, type MidiTrackInfo } from "./midi";
export { parseKey, tonicPitchClass, SCALES, SCALE_NAMES, type ScaleName } from "./scales";
