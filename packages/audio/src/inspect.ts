import { PeakAccumulator } from "./peaks";
import { openAudioStream } from "./stream/open-audio-stream";
import { type AudioFormat, type AudioInfo, type AudioStreamInfo } from "./types";
import { readWavPcm } from "./wav/wav-pcm";

const MAX_PEAKS = 100_000;

export type InspectAudioOptions = {
  format: AudioFormat;
  /** Refuse longer audio with TOO_LONG: WAV (and FLAC that declares its length) from the header, before reading the data. */
  maxSeconds?: number;
  /** Waveform buckets; fewer when the file has fewer frames. Default 800. */
  peakCount?: number;
  /** File size, when known: a WAV header that claims more than the file holds is then CORRUPT_FILE at once. */
  byteLength?: number;
};

/**
 * Streams a file once with memory bounded independently of its length (no full decode kept):
 * validates it decodes completely, measures duration and computes waveform peaks.
 * Throws AudioDecodeError (CORRUPT_FILE, TOO_LONG, UNSUPPORTED_TYPE); errors of `source` pass through.
 */
export async function inspectAudio(source: AsyncIterable<Uint8Array>, opts: InspectAudioOptions): Promise<AudioInfo> {
  const peakCount = opts.peakCount ?? 800;
  if (!Number.isInteger(peakCount) || peakCount < 1 || peakCount > MAX_PEAKS) {
    throw new RangeError(`peakCount must be an integer from 1 to ${MAX_PEAKS}, got ${peakCount}`);
  }
  if (opts.format === "wav") return inspectWav(source, opts, peakCount);
  const { info, blocks } = await openAudioStream(source, opts);
  const acc = new PeakAccumulator(peakCount, info.frames);
  for await (const block of blocks) acc.add(block);
  return audioInfo(info, acc);
}

/**
 * The WAV case, which most uploads are: the peaks are taken straight from the file's samples
 * (PeakAccumulator.addPcm) rather than from decoded float blocks. The checks and the answer are
 * those of the general path (the tests compare the two).
 */
async function inspectWav(source: AsyncIterable<Uint8Array>, opts: InspectAudioOptions, peakCount: number): Promise<AudioInfo> {
  let acc: PeakAccumulator | undefined;
  const info = await readWavPcm(source, opts, (header, format) => {
    const peaks = new PeakAccumulator(peakCount, header.frames);
    acc = peaks;
    return (bytes, frames) => peaks.addPcm(format.kind, bytes, frames, format.blockAlign, format.channels);
  });
  return audioInfo(info, acc!);
}

function audioInfo(info: AudioStreamInfo, acc: PeakAccumulator): AudioInfo {
  const frames = acc.totalFrames;
  return {
    container: info.container,
    codec: info.codec,
    sampleRate: info.sampleRate,
    channels: info.channels,
    bitDepth: info.bitDepth,
    frames,
    durationSec: frames / info.sampleRate,
    peaks: acc.result(),
  };
}
