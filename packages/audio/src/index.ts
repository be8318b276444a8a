export { AudioDecodeError, type AudioDecodeErrorCode } from "./errors";
export { decodeAudio, decodeAudioStream, type DecodeStreamOptions } from "./decode";
export { inspectAudio, type InspectAudioOptions } from "./inspect";
export { PeakAccumulator } from "./peaks";
export { openAudioStream, type AudioStream, type AudioStreamOptions } from "./stream/open-audio-stream";
export { type PcmBlock } from "./stream/stream-decoder";
export type { AudioBuffer, AudioFormat, AudioInfo, AudioStreamInfo, WaveformPeaks } from "./types";
export { encodeWav, sineTone, type WavBitDepth } from "./wav/wav-encoder";
export { inspectAudioOffThread } from "./off-thread/inspect-off-thread";
