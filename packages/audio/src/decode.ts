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
  // With a declared length (verified by the stream) the output is allocated once; otherwise it grows.
  let capacity = info.frames ?? Math.max(4096, Math.min(opts.byteLength ?? 0, 1 << 24));
  let channels = Array.from({ length: info.channels }, () => new Float32Array(capacity));
  let length = 0;
  for await (const block of blocks) {
    const n = block[0]!.length;
    if (length + n > capacity) {
      capacity = Math.max(capacity * 2, length + n);
      channels = channels.map((old) => {
        const grown = new Float32Array(capacity);
        grown.set(old.subarray(0, length));
        return grown;
      });
    }
    for (let ch = 0; ch < channels.length; ch++) channels[ch]!.set(block[ch]!, length);
    length += n;
  }
  const audio = { sampleRate: info.sampleRate, channels: length === capacity ? channels : channels.map((c) => c.slice(0, length)) };
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
