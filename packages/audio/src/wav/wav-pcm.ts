import { corrupt, tooLong } from "../errors";
import { type AudioStreamOptions } from "../stream/open-audio-stream";
import { type AudioStreamInfo } from "../types";
import { WavDecoder } from "./wav-decoder";
import { type WavFormat } from "./wav-format";

/** Takes whole frames as the file stores them: interleaved, `format.blockAlign` bytes each. */
export type PcmSink = (bytes: Uint8Array, frames: number) => void;

/**
 * Streams a WAV file's frames to a reader that fuses the conversion from the file's sample format
 * into its own loop (loudness, peaks), so no sample is decoded to float first. `start` is called
 * once the header is read, before any audio, and gives the sink. The file is checked as
 * `openAudioStream` checks it: the declared length against `maxSeconds`, no audio, a data chunk
 * cut short. Resolves with the stream's info once every declared frame has gone to the sink.
 */
export async function readWavPcm(
  source: AsyncIterable<Uint8Array>,
  opts: Omit<AudioStreamOptions, "format">,
  start: (info: AudioStreamInfo, format: WavFormat) => PcmSink,
): Promise<AudioStreamInfo> {
  const { maxSeconds } = opts;
  if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new RangeError(`maxSeconds must be positive, got ${maxSeconds}`);
  const decoder = new WavDecoder({ byteLength: opts.byteLength });
  let sink: PcmSink | undefined;
  for await (const chunk of source) {
    if (chunk.length === 0) continue;
    await decoder.push(chunk);
    const { info, format } = decoder;
    if (!info || !format) continue;
    if (!sink) {
      const frames = info.frames ?? 0; // a WAV header always declares its length
      if (maxSeconds !== undefined && frames / info.sampleRate > maxSeconds) throw tooLong(frames / info.sampleRate, maxSeconds);
      if (frames === 0) throw corrupt("The file contains no audio.");
      sink = start(info, format);
    }
    for (let pcm = decoder.readPcm(); pcm; pcm = decoder.readPcm()) sink(pcm.bytes, pcm.frames);
  }
  // Throws when the data chunk is incomplete, so every declared frame has reached the sink.
  await decoder.end();
  if (!decoder.info || !sink) throw corrupt("The file ended before its audio format could be read.");
  return decoder.info;
}
