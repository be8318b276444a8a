import { MPEGDecoder } from "mpg123-decoder";
import { corrupt } from "../errors";
import { Coalescer, Id3v2Skipper } from "../stream/bytes";
import { BlockQueue, type PcmBlock, type StreamDecoder } from "../stream/stream-decoder";
import { type AudioStreamInfo } from "../types";
import { MpegFrameSplitter } from "./mpeg-frames";

const CODEC_NAMES = { 1: "mp1", 2: "mp2", 3: "mp3" } as const;

/**
 * MPEG audio: our frame splitter finds whole frames (and tells a cut file from a tagged one), and
 * mpg123 in wasm decodes them, gapless: the LAME/Xing header's encoder delay and padding are removed.
 */
export class Mp3Decoder implements StreamDecoder {
  info: AudioStreamInfo | null = null;

  private readonly id3 = new Id3v2Skipper();
  // Keeps the splitter linear when a network hands over tiny chunks.
  private readonly batches = new Coalescer(16 * 1024);
  private readonly frames = new MpegFrameSplitter();
  private readonly queue = new BlockQueue();
  private freed = false;

  private constructor(private readonly mpg: MPEGDecoder) {}

  static async create(): Promise<Mp3Decoder> {
    const mpg = new MPEGDecoder();
    await mpg.ready;
    return new Mp3Decoder(mpg);
  }

  async push(chunk: Uint8Array): Promise<void> {
    const batch = this.batches.push(this.id3.push(chunk));
    if (batch) this.decode(this.frames.push(batch));
  }

  read(): PcmBlock | null {
    return this.queue.read();
  }

  async end(): Promise<void> {
    if (this.id3.inTag) throw corrupt("The MP3 file ends inside its ID3 tag, before any audio.");
    const rest = this.batches.drain();
    const tail = this.id3.end(); // non-empty only for a file shorter than an ID3 header
    if (rest.length > 0) this.decode(this.frames.push(rest));
    if (tail.length > 0) this.decode(this.frames.push(tail));
    this.decode(this.frames.end());

    const { frameBytes, skippedBytes } = this.frames;
    if (frameBytes === 0) throw corrupt("The file contains no MPEG audio frames.");
    // Trailing tags are fine; a file that is mostly not frames is not an MP3.
    if (skippedBytes > frameBytes) throw corrupt("Most of the file is not MPEG audio.", { frameBytes, skippedBytes });
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.mpg.free();
  }

  private decode(runs: Uint8Array[]): void {
    const first = this.frames.first;
    if (runs.length === 0 || !first) return;
    this.info ??= {
      container: "mp3",
      codec: CODEC_NAMES[first.layer],
      sampleRate: first.sampleRate,
      channels: first.channels,
      bitDepth: null,
      frames: null,
    };
    for (const run of runs) {
      const out = this.mpg.decode(run);
      if (out.errors.length > 0) {
        throw corrupt(`The MP3 file has a damaged frame: ${out.errors[0]!.message}`, { errors: out.errors.length });
      }
      // mpg123 always returns two channels; a mono stream's second one is a copy.
      this.queue.add(out.channelData.slice(0, first.channels));
    }
  }
}
