/**
 * Native FLAC (RFC 9639): "fLaC", metadata blocks (STREAMINFO first), then frames.
 * We read the metadata ourselves (it carries the bit depth and the declared length, and pictures
 * are skipped by counting rather than buffered), let codec-parser find the frames, and hand whole
 * frames to libFLAC in wasm. Feeding codec-parser chunk by chunk and flushing it at the end is what
 * `FLACDecoder.decodeFile()` does internally; `decode()` alone would keep the last frame buffered.
 */
import { FLACDecoder } from "@wasm-audio-decoders/flac";
import CodecParser, { type CodecFrame } from "codec-parser";
import { corrupt } from "../errors";
import { ByteCollector, Coalescer, Id3v2Skipper, TailHolder, ascii, isId3v1 } from "../stream/bytes";
import { drain } from "../stream/frames";
import { BlockQueue, type PcmBlock, type StreamDecoder } from "../stream/stream-decoder";
import { type AudioStreamInfo } from "../types";
import { STREAMINFO_BYTES, parseStreamInfo } from "./streaminfo";

type State = "magic" | "block-header" | "streaminfo" | "skip" | "frames";

export class FlacDecoder implements StreamDecoder {
  info: AudioStreamInfo | null = null;

  private readonly id3 = new Id3v2Skipper();
  // FLAC has no trailer, but some taggers append ID3v1; the frame parser would take it for a damaged last frame.
  private readonly tail = new TailHolder(128);
  private readonly collector = new ByteCollector();
  private readonly batches = new Coalescer(16 * 1024);
  private readonly parser = new CodecParser<CodecFrame>("audio/flac", { enableFrameCRC32: false });
  private readonly queue = new BlockQueue();
  private state: State = "magic";
  private lastBlock = false;
  private skipLeft = 0;
  private frameBytesIn = 0;
  private frameBytesOut = 0;
  private freed = false;

  private constructor(private readonly flac: FLACDecoder) {
    this.collector.start(4);
  }

  static async create(): Promise<FlacDecoder> {
    const flac = new FLACDecoder();
    await flac.ready;
    return new FlacDecoder(flac);
  }

  async push(chunk: Uint8Array): Promise<void> {
    for (const piece of this.tail.push(chunk)) await this.feed(piece);
  }

  read(): PcmBlock | null {
    return this.queue.read();
  }

  async end(): Promise<void> {
    const tail = this.tail.end();
    if (!isId3v1(tail)) await this.feed(tail);
    const head = this.id3.end(); // non-empty only for a file shorter than an ID3v2 header
    if (head.length > 0) await this.feed(head);
    if (this.state === "magic") throw corrupt("The file is not a FLAC file (no fLaC marker).");
    if (this.state !== "frames") throw corrupt("The FLAC file ends inside its metadata, before any audio.");

    const rest = this.batches.drain();
    await this.decode(drain(this.parser.parseChunk(rest)), rest.length);
    await this.decode(drain(this.parser.flush()), 0);
    // A frame cut short fails its CRC and is dropped by the parser; when STREAMINFO declares the
    // length the stream driver notices the missing samples, otherwise the unclaimed bytes show it.
    if (this.info!.frames === null && this.frameBytesOut !== this.frameBytesIn) {
      throw corrupt(`The FLAC file is truncated or damaged: ${this.frameBytesIn - this.frameBytesOut} bytes are not part of a valid frame.`);
    }
  }

  private async feed(piece: Uint8Array): Promise<void> {
    const bytes = this.id3.push(piece);
    let pos = 0;
    while (pos < bytes.length && this.state !== "frames") pos = this.readMetadata(bytes, pos);
    if (pos >= bytes.length) return;
    const batch = this.batches.push(bytes.subarray(pos));
    if (batch) await this.decode(drain(this.parser.parseChunk(batch)), batch.length);
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.flac.free();
  }

  /** One step of the metadata state machine; returns the new position in `bytes`. */
  private readMetadata(bytes: Uint8Array, pos: number): number {
    if (this.state === "skip") {
      const n = Math.min(this.skipLeft, bytes.length - pos);
      this.skipLeft -= n;
      if (this.skipLeft === 0) this.nextBlock();
      return pos + n;
    }
    pos = this.collector.take(bytes, pos);
    if (!this.collector.done) return pos;
    const b = this.collector.bytes;

    switch (this.state) {
      case "magic":
        if (ascii(b, 0, 4) !== "fLaC") throw corrupt("The file is not a FLAC file (no fLaC marker).");
        this.state = "block-header";
        this.collector.start(4);
        return pos;
      case "block-header": {
        // RFC 9639 §8.1: u1 last-block flag, u7 type, u24 length.
        const type = b[0]! & 0x7f;
        const length = (b[1]! << 16) | (b[2]! << 8) | b[3]!;
        const first = this.info === null;
        this.lastBlock = (b[0]! & 0x80) !== 0;
        if (first && (type !== 0 || length !== STREAMINFO_BYTES)) throw corrupt("The FLAC file does not start with a valid STREAMINFO block.");
        if (type === 127) throw corrupt("The FLAC file has an invalid metadata block.");
        if (first) {
          this.state = "streaminfo";
          this.collector.start(STREAMINFO_BYTES);
        } else {
          this.state = "skip";
          this.skipLeft = length;
          if (length === 0) this.nextBlock();
        }
        return pos;
      }
      case "streaminfo": {
        const si = parseStreamInfo(b);
        if (si.sampleRate === 0) throw corrupt("The FLAC file declares a sample rate of 0 Hz.");
        this.info = {
          container: "flac",
          codec: "flac",
          sampleRate: si.sampleRate,
          channels: si.channels,
          bitDepth: si.bitDepth,
          frames: si.totalSamples,
        };
        this.nextBlock();
        return pos;
      }
      default:
        return pos;
    }
  }

  private nextBlock(): void {
    this.state = this.lastBlock ? "frames" : "block-header";
    if (!this.lastBlock) this.collector.start(4);
  }

  private async decode(frames: CodecFrame[], bytesIn: number): Promise<void> {
    this.frameBytesIn += bytesIn;
    if (frames.length === 0) return;
    for (const f of frames) this.frameBytesOut += f.data.length;
    const out = await this.flac.decodeFrames(frames.map((f) => f.data));
    if (out.errors.length > 0) {
      throw corrupt(`The FLAC file has a damaged frame: ${out.errors[0]!.message}`, { errors: out.errors.length });
    }
    this.queue.add(out.channelData);
  }
}
