import { type AudioStreamInfo } from "../types";

/**
 * Planar float32 samples, one array per channel, all the same length.
 * Valid until the next block is requested: decoders reuse their buffers, so keep a copy if needed.
 */
export type PcmBlock = Float32Array[];

/**
 * A push decoder for one container. Every format implements this, so the stream driver
 * (duration limits, declared-length checks) and its consumers are written once.
 * Protocol: push(chunk), then read() until null; at the end of the file end(), then read() until null.
 */
export type StreamDecoder = {
  /** Known once the header (WAV, FLAC) or the first frame (MP3) has been read. */
  readonly info: AudioStreamInfo | null;
  /** Feeds the next bytes of the file. Throws AudioDecodeError. */
  push(chunk: Uint8Array): Promise<void>;
  /** The next decoded block, or null when the bytes pushed so far are used up. */
  read(): PcmBlock | null;
  /** The file has ended: decodes what is buffered, and throws if the file was incomplete. */
  end(): Promise<void>;
  /** Releases wasm memory. Safe to call more than once. */
  free(): void;
};

export type StreamDecoderOptions = {
  /** Total size of the file when known; lets a header's claims be checked before the data arrives. */
  byteLength?: number;
};

/** For decoders whose library hands back fresh arrays: blocks wait in a queue. */
export class BlockQueue {
  private blocks: PcmBlock[] = [];
  private head = 0;

  add(block: PcmBlock): void {
    if ((block[0]?.length ?? 0) > 0) this.blocks.push(block);
  }

  read(): PcmBlock | null {
    if (this.head === this.blocks.length) {
      this.blocks = [];
      this.head = 0;
      return null;
    }
    const block = this.blocks[this.head]!;
    this.blocks[this.head++] = [];
    return block;
  }
}
