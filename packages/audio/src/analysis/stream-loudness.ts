import { openAudioStream, type AudioStreamOptions } from "../stream/open-audio-stream";
import { type AudioStreamInfo } from "../types";
import { readWavPcm } from "../wav/wav-pcm";
import { LoudnessMeter, type LoudnessResult } from "./loudness";

export type StreamLoudness = {
  info: AudioStreamInfo;
  /** Frames measured: the whole file (for MP3, whose header need not say). */
  frames: number;
  loudness: LoudnessResult;
};

/**
 * Loudness (BS.1770-4 / EBU R128 integrated loudness, EBU Tech 3342 range, their gates) of a file
 * as it arrives, and nothing else: what a loudness meter such as ffmpeg's ebur128 filter measures.
 * A WAV file's samples go from the file's bytes straight into the K-weighting loop
 * (LoudnessMeter.addPcm), never decoded to float; MP3 and FLAC are decoded block by block. The
 * numbers are those of `measureLoudness` on the decoded audio (up to the order of float64
 * additions), and the file is validated as `openAudioStream` validates it.
 */
export async function measureStreamLoudness(source: AsyncIterable<Uint8Array>, opts: AudioStreamOptions): Promise<StreamLoudness> {
  if (opts.format === "wav") return wavLoudness(source, opts);
  const stream = await openAudioStream(source, opts);
  const meter = new LoudnessMeter(stream.info.sampleRate, stream.info.channels);
  let frames = 0;
  for await (const block of stream.blocks) {
    const n = block[0]!.length;
    meter.add(block, 0, n);
    frames += n;
  }
  return { info: stream.info, frames, loudness: meter.result() };
}

async function wavLoudness(source: AsyncIterable<Uint8Array>, opts: AudioStreamOptions): Promise<StreamLoudness> {
  let meter: LoudnessMeter | undefined;
  const info = await readWavPcm(source, opts, (header, format) => {
    const m = new LoudnessMeter(header.sampleRate, header.channels, header.frames ?? undefined);
    meter = m;
    return (bytes, frames) => m.addPcm(format.kind, bytes, frames, format.blockAlign);
  });
  // readWavPcm has checked that the data chunk was complete: every declared frame was measured.
  return { info, frames: info.frames ?? 0, loudness: meter!.result() };
}
