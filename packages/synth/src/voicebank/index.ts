export { loadVoicebank, type LoadVoicebankOptions, type Speaker, type Voicebank, type VoicebankConfig, type VocoderInfo } from "./load-voicebank";
export { listVoices, loadVoice, type VoiceListing } from "./list-voices";
export { LN_TO_LOG10, LOG10_TO_LN, type MelConversion, type MelSettings } from "./mel";
export type { BankDictionary } from "./inventory";
export type { TensorInfo } from "./models";
