import { BlockGatherer } from "./stream/gather";
import { openAudioStream } from "./stream/open-audio-stream";
import { type AudioBuffer, type AudioFormat, type AudioStreamInfo } from "./types";

export type DecodeStreamOptions = {
  format: AudioFormat;
  /** File size, when known: lets a header's claims be checked before the data arrives. */
  byteLength?: number;
  /** Refuse (TOO_LONG) audio longer than this. */
  maxSeconds?: number;
};

/**
 * Whole-file decode of a byte stream to planar float32, for effects and synthesis, with what the
 * header said (codec, bit depth). Throws AudioDecodeError.
 */
export async function decodeAudioStream(
  source: AsyncIterable<Uint8Array>,
  opts: DecodeStreamOptions,
): Promise<{ audio: AudioBuffer; info: AudioStreamInfo }> {
  const { info, blocks } = await openAudioStream(source, opts);
  const gathered = new BlockGatherer(info.channels, info.frames, Math.max(4096, Math.min(opts.byteLength ?? 0, 1 << 24)));
  for await (const block of blocks) gathered.add(block);
  const audio = gathered.audio(info.sampleRate);
  return { audio, info };
}

/** Whole-file decode to planar float32, for effects and synthesis. Throws AudioDecodeError. */
export async function decodeAudio(bytes: Uint8Array, format: AudioFormat): Promise<AudioBuffer> {
  const { audio } = await decodeAudioStream(once(bytes), { format, byteLength: bytes.length });
  return audio;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
