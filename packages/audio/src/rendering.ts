/**
 * Running effect chains over files and writing WAV, and nothing heavier: the entry
 * `@mini-studio/audio/rendering`, for code that starts cold to render (`studio fx`). The MP3
 * encoder (lamejs, about 150 KB to load) comes from `@mini-studio/audio/encode` when an MP3 is
 * asked for: with code splitting, a bundle keeps every module that an imported entry re-exports.
 */
export { BlockGatherer } from "./stream/gather";
export { encodeFormatFromPath, type EncodeFormat } from "./encode/encode-format";
export { renderEffectChain, type BlockSink, type RenderOptions, type SpillStore } from "./effects/render";
export { resolveEffectChain } from "./effects/presets";
export { WAV_HEADER_BYTES, WavBlockEncoder, wavHeader, type WavBitDepth } from "./wav/wav-encoder";
export type { Effect } from "./effects/catalog";
