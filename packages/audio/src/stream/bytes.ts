/** Collects exactly `size` bytes across pushes, for headers that straddle chunk boundaries. */
export class ByteCollector {
  private buf = new Uint8Array(0);
  private filled = 0;

  start(size: number): void {
    this.buf = new Uint8Array(size);
    this.filled = 0;
  }

  /** Copies what it still needs from `chunk` at `pos`; returns the new position in `chunk`. */
  take(chunk: Uint8Array, pos: number): number {
    const n = Math.min(this.buf.length - this.filled, chunk.length - pos);
    this.buf.set(chunk.subarray(pos, pos + n), this.filled);
    this.filled += n;
    return pos + n;
  }

  get done(): boolean {
    return this.filled === this.buf.length;
  }

  get filledBytes(): number {
    return this.filled;
  }

  get bytes(): Uint8Array {
    return this.buf;
  }
}

/**
 * Batches small chunks into blocks of at least `minSize` bytes, so that frame parsers that
 * re-concatenate their input stay linear even when a network hands us 1-byte chunks.
 * Small chunks are copied: a source may reuse its buffer once we ask for the next chunk.
 */
export class Coalescer {
  private parts: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly minSize: number) {}

  /** Returns a batch when enough bytes have accumulated, else null. */
  push(chunk: Uint8Array): Uint8Array | null {
    if (this.size === 0 && chunk.length >= this.minSize) return chunk;
    this.parts.push(chunk.slice());
    this.size += chunk.length;
    return this.size >= this.minSize ? this.drain() : null;
  }

  /** Returns whatever is left (possibly empty). */
  drain(): Uint8Array {
    const out = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return out;
  }
}

export function concat(parts: Uint8Array[], size = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** ID3v2 header: "ID3", version (2 bytes, each < 0xFF), flags, synchsafe size (4 × 7 bits). id3.org, ID3v2.4 structure §3.1. */
function id3v2Size(h: Uint8Array): number | null {
  if (h[0] !== 0x49 || h[1] !== 0x44 || h[2] !== 0x33 || h[3] === 0xff || h[4] === 0xff) return null;
  if ((h[6]! | h[7]! | h[8]! | h[9]!) & 0x80) return null;
  const size = (h[6]! << 21) | (h[7]! << 14) | (h[8]! << 7) | h[9]!;
  const footer = h[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * Removes a leading ID3v2 tag (taggers put one before MP3 and sometimes FLAC data) and passes the
 * rest through. Cover art can make tags large, so the tag is skipped by counting, never buffered.
 */
export class Id3v2Skipper {
  private readonly head = new ByteCollector();
  private state: "head" | "skip" | "pass" = "head";
  private skipLeft = 0;
  /** Bytes of the tag, once known. */
  tagBytes = 0;

  constructor() {
    this.head.start(10);
  }

  push(chunk: Uint8Array): Uint8Array {
    let pos = 0;
    if (this.state === "head") {
      const headWasEmpty = this.head.filledBytes === 0;
      pos = this.head.take(chunk, pos);
      if (!this.head.done) return chunk.subarray(chunk.length);
      const size = id3v2Size(this.head.bytes);
      if (size === null) {
        this.state = "pass";
        // Not a tag: hand the peeked bytes back, without copying when they all came from this chunk.
        return headWasEmpty ? chunk : concat([this.head.bytes, chunk.subarray(pos)]);
      }
      this.tagBytes = size;
      this.skipLeft = size - 10;
      this.state = "skip";
    }
    if (this.state === "skip") {
      const n = Math.min(this.skipLeft, chunk.length - pos);
      this.skipLeft -= n;
      pos += n;
      if (this.skipLeft > 0) return chunk.subarray(chunk.length);
      this.state = "pass";
    }
    return chunk.subarray(pos);
  }

  /** At the end of the file: a file shorter than a tag header is handed back as data. */
  end(): Uint8Array {
    if (this.state !== "head") return new Uint8Array(0);
    this.state = "pass";
    return this.head.bytes.slice(0, this.head.filledBytes);
  }

  /** True when the file ended inside the tag, i.e. before any audio. */
  get inTag(): boolean {
    return this.state === "skip";
  }
}

/**
 * Holds back the last `size` bytes of a stream, so that a trailer (an ID3v1 tag, always the final
 * 128 bytes) can be recognised and removed at the end without buffering anything else.
 */
export class TailHolder {
  private held = new Uint8Array(0);

  constructor(private readonly size: number) {}

  /** Returns the bytes that are now known not to be in the tail, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length >= this.size) {
      const out = [this.held, chunk.subarray(0, chunk.length - this.size)];
      this.held = chunk.slice(chunk.length - this.size);
      return out;
    }
    const all = concat([this.held, chunk]);
    const cut = Math.max(0, all.length - this.size);
    this.held = all.slice(cut);
    return [all.subarray(0, cut)];
  }

  /** The held tail, at the end of the stream. */
  end(): Uint8Array {
    return this.held;
  }
}

/** ID3v1: the last 128 bytes of a file, starting "TAG" (id3.org, "ID3v1"). */
export function isId3v1(tail: Uint8Array): boolean {
  return tail.length === 128 && tail[0] === 0x54 && tail[1] === 0x41 && tail[2] === 0x47;
}
