export { AudioDecodeError, type AudioDecodeErrorCode } from "./errors";
export { decodeAudio, decodeAudioStream, type DecodeStreamOptions } from "./decode";
export { inspectAudio, type InspectAudioOptions } from "./inspect";
export { GrowingFile } from "./off-thread/growing-file";
export { inspectGrowingFile } from "./off-thread/inspect-off-thread";
export { PeakAccumulator } from "./peaks";
export { BlockGatherer } from "./stream/gather";
export { openAudioStream, type AudioStream, type AudioStreamOptions } from "./stream/open-audio-stream";
export { type PcmBlock } from "./stream/stream-decoder";
export type { AudioBuffer, AudioFormat, AudioInfo, AudioStreamInfo, WaveformPeaks } from "./types";
export { encodeWav, sineTone, WAV_HEADER_BYTES, WavBlockEncoder, wavHeader, type WavBitDepth } from "./wav/wav-encoder";
export { audioFormatFromPath } from "./audio-format";
export { encodeAudio, type EncodeOptions } from "./encode/encode-audio";
export { encodeFormatFromPath, ENCODE_FORMATS, type EncodeFormat } from "./encode/encode-format";
export { AudioEncodeError, type AudioEncodeErrorCode } from "./encode/encode-error";
export { DEFAULT_MP3_BITRATE_KBPS, encodeMp3, MP3_SAMPLE_RATES, mp3BitratesFor, type Mp3Options } from "./encode/mp3-encoder";
export { resample, resampleByRatio, type ResampleOptions, type ResampleQuality } from "./resample/resample";
export { analyzeAudio, toJsonSafe, type AnalyzeAudioOptions, type AudioAnalysis, type JsonSafe } from "./analysis/analyze";
export { createAudioAnalyzer, type AudioAnalyzer, type AudioAnalyzerOptions } from "./analysis/analyzer";
export { integratedLoudness, measureLoudness, type LoudnessResult } from "./analysis/loudness";
export { measureStreamLoudness, type StreamLoudness } from "./analysis/stream-loudness";
export { samplePeak, truePeak } from "./analysis/true-peak";
export { type Progress } from "./effects/define";
export {
  EFFECT_TYPES,
  MAX_CHAIN_LENGTH,
  runEffectChain,
  ZEffectChainSchema,
  ZEffectSchema,
  type Effect,
  type EffectInput,
  type EffectType,
} from "./effects/catalog";
export { effectPreset, EffectChainError, parseEffectChain, resolveEffectChain, ZEffectPresetNameSchema } from "./effects/presets";
export { EFFECT_PRESET_NAMES, type EffectPresetName } from "./effects/preset-names";
export { renderEffectChain, type BlockSink, type RenderOptions, type SpillStore } from "./effects/render";
export { biquadMagnitudeDb, designBiquad, type BiquadCoeffs, type BiquadKind } from "./effects/biquad";
export { mulberry32 } from "./random";
