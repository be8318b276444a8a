import { corrupt, tooLong } from "../errors";
import { type AudioFormat, type AudioStreamInfo } from "../types";
import { WavDecoder } from "../wav/wav-decoder";
import { type PcmBlock, type StreamDecoder } from "./stream-decoder";

export type AudioStreamOptions = {
  format: AudioFormat;
  /** Refuse (TOO_LONG) audio longer than this, as early as the format allows. */
  maxSeconds?: number;
  /** File size when known: a WAV header claiming more data than that is refused before reading on. */
  byteLength?: number;
};

export type AudioStream = {
  info: AudioStreamInfo;
  /**
   * Planar float32 blocks in order. A block is valid until the next one is requested (decoders
   * reuse buffers): copy what you keep. The iterator throws AudioDecodeError when the file turns
   * out damaged or too long, at the latest after its last byte, so only a stream consumed to the
   * end has been validated. Breaking out early releases the decoder.
   */
  blocks: AsyncIterable<PcmBlock>;
};

/**
 * Decodes a file as it arrives, holding one block at a time. Resolves once the format is known
 * (WAV/FLAC header, first MP3 frame), so callers can size their work before any audio.
 */
export async function openAudioStream(source: AsyncIterable<Uint8Array>, opts: AudioStreamOptions): Promise<AudioStream> {
  const events = decodeEvents(source, opts);
  const first = await events.next();
  if (first.done || first.value.type !== "info") throw new Error("unreachable: a decoded stream starts with its info");
  const info = first.value.info;
  return {
    info,
    blocks: (async function* () {
      for await (const event of { [Symbol.asyncIterator]: () => events }) if (event.type === "block") yield event.block;
    })(),
  };
}

type StreamEvent = { type: "info"; info: AudioStreamInfo } | { type: "block"; block: PcmBlock };

async function* decodeEvents(source: AsyncIterable<Uint8Array>, opts: AudioStreamOptions): AsyncGenerator<StreamEvent> {
  const { maxSeconds } = opts;
  if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new RangeError(`maxSeconds must be positive, got ${maxSeconds}`);
  const decoder = await createDecoder(opts);
  let info: AudioStreamInfo | null = null;
  let decoded = 0;

  // Yields the info once known (checking the declared length first), then the blocks, each
  // checked against the limit so that a long MP3/FLAC stops as soon as it passes it.
  async function* emit(): AsyncGenerator<StreamEvent> {
    if (!info && decoder.info) {
      info = decoder.info;
      if (maxSeconds !== undefined && info.frames !== null && info.frames / info.sampleRate > maxSeconds) {
        throw tooLong(info.frames / info.sampleRate, maxSeconds);
      }
      yield { type: "info", info };
    }
    for (let block = decoder.read(); block; block = decoder.read()) {
      const frames = block[0]?.length ?? 0;
      decoded += frames;
      if (info!.frames !== null && decoded > info!.frames) throw mismatch(info!.frames, decoded);
      if (maxSeconds !== undefined && decoded / info!.sampleRate > maxSeconds) throw tooLong(null, maxSeconds);
      yield { type: "block", block };
    }
  }

  try {
    for await (const chunk of source) {
      if (chunk.length === 0) continue;
      await decoder.push(chunk);
      yield* emit();
    }
    await decoder.end();
    yield* emit();
    if (!info) throw corrupt("The file ended before its audio format could be read.");
    const declared = (info as AudioStreamInfo).frames;
    if (declared !== null && decoded !== declared) throw mismatch(declared, decoded);
    if (decoded === 0) throw corrupt("The file contains no audio.");
  } finally {
    decoder.free();
  }
}

function mismatch(declared: number, decoded: number) {
  const what = decoded < declared ? `only ${decoded} are present` : `${decoded} decode`;
  return corrupt(`The file is truncated or damaged: its header declares ${declared} frames but ${what}.`, {
    declaredFrames: declared,
    decodedFrames: decoded,
  });
}

/** The MP3 and FLAC decoders (wasm) load when first needed, so WAV work never pays for them. */
async function createDecoder(opts: AudioStreamOptions): Promise<StreamDecoder> {
  switch (opts.format) {
    case "wav":
      return new WavDecoder({ byteLength: opts.byteLength });
    case "mp3":
      return (await import("../mp3/mp3-decoder")).Mp3Decoder.create();
    case "flac":
      return (await import("../flac/flac-decoder")).FlacDecoder.create();
  }
}
