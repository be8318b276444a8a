/**
 * Streaming RIFF/WAVE reader: bytes in, planar float32 blocks out, memory bounded by one block.
 *
 * [RIFF] IBM/Microsoft, "Multimedia Programming Interface and Data Specifications 1.0" (1991), ch. 2-3:
 * - the file is `RIFF` <u32 size> `WAVE` followed by chunks;
 * - a chunk is <FOURCC id> <u32 size, little-endian> <size bytes> plus one pad byte when size is odd;
 * - `fmt ` must come before `data`; chunks we don't know (LIST, bext, id3, cue, ...) are skipped.
 * RF64 (EBU Tech 3306) and big-endian RIFX are recognised but not supported.
 */
import { corrupt, unsupported } from "../errors";
import { ByteCollector, ascii } from "../stream/bytes";
import { type PcmBlock, type StreamDecoder, type StreamDecoderOptions } from "../stream/stream-decoder";
import { type AudioStreamInfo } from "../types";
import { convertPcm } from "./pcm";
import { type WavFormat, parseFmt } from "./wav-format";

/** A real fmt chunk is 16, 18 or 40 bytes; anything this large is not one. */
const MAX_FMT_BYTES = 1024;
/** Samples (all channels) per emitted block: 1 MiB of float32, whatever the channel count. */
const BLOCK_SAMPLES = 1 << 18;

type State = "riff" | "chunk-header" | "fmt" | "skip" | "data" | "done";

export class WavDecoder implements StreamDecoder {
  info: AudioStreamInfo | null = null;

  private state: State = "riff";
  private readonly collector = new ByteCollector();
  /** File offset of the current chunk's first byte. */
  private chunkBase = 0;
  private fmt: WavFormat | null = null;
  private fmtSize = 0;
  private skipLeft = 0;
  private skippingId = "";
  private dataSize = 0;
  private dataLeft = 0;
  /** A frame split across two chunks waits here. */
  private partial = new Uint8Array(0);
  private partialLen = 0;
  /** Bytes pushed but not yet converted by read(). */
  private input: Uint8Array | null = null;
  private inputPos = 0;
  private block = new ReusableBlock(0, 1);

  constructor(private readonly opts: StreamDecoderOptions = {}) {
    this.collector.start(12);
  }

  async push(chunk: Uint8Array): Promise<void> {
    if (this.input) throw new Error("WavDecoder.push() before read() returned null");
    let pos = 0;
    while (pos < chunk.length && this.state !== "data" && this.state !== "done") pos = this.step(chunk, pos);
    // Audio bytes are converted lazily by read(), one reusable block at a time.
    if (this.state === "data" && pos < chunk.length) {
      this.input = chunk;
      this.inputPos = pos;
    }
    this.chunkBase += chunk.length;
  }

  async end(): Promise<void> {
    switch (this.state) {
      case "done":
        return;
      case "data":
        // A truncated file, or a header claiming more than the file holds (e.g. 4 GB).
        throw corrupt(
          `The WAV file ends early: its data chunk declares ${this.dataSize} bytes but only ${this.dataSize - this.dataLeft} are present.`,
          { declaredBytes: this.dataSize, presentBytes: this.dataSize - this.dataLeft },
        );
      case "riff":
        throw corrupt("The file is too short to be a WAV file.");
      default:
        if (!this.fmt) throw corrupt("The WAV file has no format (fmt) chunk.");
        throw corrupt(
          this.state === "skip"
            ? `The WAV file ends inside its '${this.skippingId}' chunk, before any audio data.`
            : "The WAV file has no data chunk.",
        );
    }
  }

  free(): void {}

  /** Advances one state on `chunk` from `pos`; returns the new position. */
  private step(chunk: Uint8Array, pos: number): number {
    switch (this.state) {
      case "riff": {
        pos = this.collector.take(chunk, pos);
        if (this.collector.done) this.readRiffHeader(this.collector.bytes);
        return pos;
      }
      case "chunk-header": {
        pos = this.collector.take(chunk, pos);
        if (this.collector.done) this.readChunkHeader(this.collector.bytes, this.chunkBase + pos);
        return pos;
      }
      case "fmt": {
        pos = this.collector.take(chunk, pos);
        if (!this.collector.done) return pos;
        this.fmt = parseFmt(this.collector.bytes);
        this.partial = new Uint8Array(this.fmt.blockAlign);
        this.skip("fmt ", this.fmtSize & 1);
        return pos;
      }
      case "skip": {
        const n = Math.min(this.skipLeft, chunk.length - pos);
        this.skipLeft -= n;
        if (this.skipLeft === 0) this.skip(this.skippingId, 0);
        return pos + n;
      }
      case "data":
      case "done":
        return chunk.length;
    }
  }

  private readRiffHeader(h: Uint8Array): void {
    const id = ascii(h, 0, 4);
    if (id === "RF64" || id === "RIFX") throw unsupported(`${id} WAV files are not supported; use a standard RIFF WAV.`);
    if (id !== "RIFF" || ascii(h, 8, 4) !== "WAVE") throw corrupt("The file is not a WAV file (no RIFF/WAVE header).");
    // The RIFF size is not checked: streaming writers commonly leave it 0 or 0xFFFFFFFF.
    this.skip("RIFF", 0);
  }

  /** `bodyStart` is the file offset of the chunk's first byte after its 8-byte header. */
  private readChunkHeader(h: Uint8Array, bodyStart: number): void {
    const id = ascii(h, 0, 4);
    const size = new DataView(h.buffer, h.byteOffset, 8).getUint32(4, true);
    // FOURCCs are printable ASCII ([RIFF] "FOURCC"); anything else means we lost the chunk structure.
    if (!/^[\x20-\x7e]{4}$/.test(id)) throw corrupt("The WAV file's chunk structure is damaged.", { chunkId: [...h.subarray(0, 4)] });

    if (id === "fmt ") {
      if (this.fmt) throw corrupt("The WAV file has two format (fmt) chunks.");
      if (size < 16 || size > MAX_FMT_BYTES) throw corrupt(`The WAV format chunk is ${size} bytes long, which is not a valid size.`);
      this.fmtSize = size;
      this.state = "fmt";
      this.collector.start(size);
      return;
    }
    if (id === "data") return this.startData(size, bodyStart);
    this.skip(id, size + (size & 1)); // [RIFF]: odd-sized chunks are followed by a pad byte
  }

  private startData(size: number, dataStart: number): void {
    const fmt = this.fmt;
    if (!fmt) throw corrupt("The WAV file's data chunk comes before its format (fmt) chunk.");
    if (size % fmt.blockAlign !== 0) {
      throw corrupt(`The WAV data chunk ends with a partial frame: ${size} bytes is not a multiple of ${fmt.blockAlign}.`, {
        dataBytes: size,
        blockAlign: fmt.blockAlign,
      });
    }
    const { byteLength } = this.opts;
    if (byteLength !== undefined && dataStart + size > byteLength) {
      throw corrupt(`The WAV header declares ${size} bytes of audio but the file is only ${byteLength} bytes long.`, {
        declaredBytes: size,
        fileBytes: byteLength,
      });
    }
    this.dataSize = size;
    this.dataLeft = size;
    this.block = new ReusableBlock(fmt.channels, Math.max(1, Math.min(size / fmt.blockAlign, Math.floor(BLOCK_SAMPLES / fmt.channels))));
    this.state = size > 0 ? "data" : "done";
    this.info = {
      container: "wav",
      codec: fmt.codec,
      sampleRate: fmt.sampleRate,
      channels: fmt.channels,
      bitDepth: fmt.bitDepth,
      frames: size / fmt.blockAlign,
    };
  }

  /** Skips `bytes` of chunk `id` by counting (a LIST or cover art is never buffered), then reads the next chunk header. */
  private skip(id: string, bytes: number): void {
    this.skippingId = id;
    this.skipLeft = bytes;
    this.state = bytes > 0 ? "skip" : "chunk-header";
    if (bytes === 0) this.collector.start(8);
  }

  /** Converts the next whole frames into the reusable block; a frame split across chunks is carried over. */
  read(): PcmBlock | null {
    const input = this.input;
    if (!input) return null;
    const fmt = this.fmt!;
    const stride = fmt.blockAlign;
    let pos = this.inputPos;
    let avail = Math.min(input.length - pos, this.dataLeft);
    let carried = false;

    if (this.partialLen > 0) {
      const n = Math.min(stride - this.partialLen, avail);
      this.partial.set(input.subarray(pos, pos + n), this.partialLen);
      this.partialLen += n;
      this.dataLeft -= n;
      pos += n;
      avail -= n;
      if (this.partialLen < stride) return this.consumed();
      carried = true;
      this.partialLen = 0;
    }

    const whole = Math.min(Math.floor(avail / stride), this.block.capacity - (carried ? 1 : 0));
    const frames = whole + (carried ? 1 : 0);
    const block = this.block.view(frames);
    if (carried) convertPcm(fmt.kind, this.partial, 0, 1, stride, block, 0);
    convertPcm(fmt.kind, input, pos, whole, stride, block, carried ? 1 : 0);
    pos += whole * stride;
    this.dataLeft -= whole * stride;
    avail -= whole * stride;

    if (avail < stride) {
      // Keep the start of a frame that the next chunk completes.
      this.partial.set(input.subarray(pos, pos + avail));
      this.partialLen = avail;
      this.dataLeft -= avail;
      this.consumed();
    } else {
      this.inputPos = pos;
    }
    // Whatever follows the audio (LIST, id3, pad byte) cannot change it and is not read.
    if (this.dataLeft === 0) this.state = "done";
    return frames > 0 ? block : null;
  }

  /** The `fmt ` chunk, once read: how the frames that `readPcm` hands out are laid out. */
  get format(): WavFormat | null {
    return this.fmt;
  }

  /**
   * Instead of `read()` (use one or the other): the next whole frames exactly as the file stores
   * them, interleaved, `format.blockAlign` bytes each, for a reader that fuses the conversion into
   * its own loop (LoudnessMeter.addPcm). A view of the pushed chunk (or of the frame carried over
   * from the previous one), valid until the next call; null when the chunk is used up.
   */
  readPcm(): { bytes: Uint8Array; frames: number } | null {
    const input = this.input;
    if (!input) return null;
    const stride = this.fmt!.blockAlign;
    let pos = this.inputPos;
    let avail = Math.min(input.length - pos, this.dataLeft);

    if (this.partialLen > 0) {
      const n = Math.min(stride - this.partialLen, avail);
      this.partial.set(input.subarray(pos, pos + n), this.partialLen);
      this.partialLen += n;
      this.dataLeft -= n;
      if (this.partialLen < stride) return this.consumed();
      this.partialLen = 0;
      this.inputPos = pos + n;
      if (this.dataLeft === 0) this.finish();
      return { bytes: this.partial, frames: 1 };
    }

    const frames = Math.floor(avail / stride);
    const bytes = input.subarray(pos, pos + frames * stride);
    pos += frames * stride;
    this.dataLeft -= frames * stride;
    avail -= frames * stride;
    // Keep the start of a frame that the next chunk completes.
    this.partial.set(input.subarray(pos, pos + avail));
    this.partialLen = avail;
    this.dataLeft -= avail;
    this.consumed();
    if (this.dataLeft === 0) this.finish();
    return frames > 0 ? { bytes, frames } : null;
  }

  /** Whatever follows the audio (LIST, id3, pad byte) cannot change it and is not read. */
  private finish(): void {
    this.state = "done";
    this.input = null;
    this.inputPos = 0;
  }

  private consumed(): null {
    this.input = null;
    this.inputPos = 0;
    return null;
  }
}

/** One set of planar buffers, handed out as views of the requested length. */
class ReusableBlock {
  private readonly buffers: Float32Array[];

  constructor(
    channels: number,
    readonly capacity: number,
  ) {
    this.buffers = Array.from({ length: channels }, () => new Float32Array(capacity));
  }

  view(frames: number): PcmBlock {
    return frames === this.capacity ? this.buffers : this.buffers.map((b) => b.subarray(0, frames));
  }
}
