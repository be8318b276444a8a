export { SynthError, type SynthErrorCode } from "./errors";
export * from "./melody";
export * from "./pipeline";
export * from "./text";
export * from "./voicebank";
export type * from "./types";
export { DEFAULT_VOICE_NAME, DEFAULT_VOICE_VERSION, ensureDefaultVoice, writeDefaultVoice, writeTestVoice } from "./builtin/default-voice";
export { DEFAULT_PHONEMES, phonemeId } from "./builtin/formants";
