/**
 * Reading and measuring audio, and nothing heavier: no effects (and their schemas), no encoders.
 * This is the entry `@mini-studio/audio/measure`, for code that starts cold and only measures
 * (`studio analyze`): a bundle split into chunks per command cannot drop the unused half of the
 * main entry, since with code splitting the bundler keeps every module that entry imports.
 */
export { audioFormatFromPath } from "./audio-format";
export { AudioDecodeError, type AudioDecodeErrorCode } from "./errors";
export { createAudioAnalyzer, type AudioAnalysis, type AudioAnalyzer, type AudioAnalyzerOptions } from "./analysis/analyzer";
export { toJsonSafe, type JsonSafe } from "./analysis/analyze";
export { type LoudnessResult } from "./analysis/loudness";
export { measureStreamLoudness, type StreamLoudness } from "./analysis/stream-loudness";
export { openAudioStream, type AudioStream, type AudioStreamOptions } from "./stream/open-audio-stream";
export type { AudioFormat, AudioStreamInfo } from "./types";
