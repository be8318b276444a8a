import { corrupt } from "../errors";
import { concat } from "../stream/bytes";
import { type MpegHeader, parseMpegHeader, sameStream } from "./mpeg-header";

/**
 * Splits an MPEG audio byte stream into whole frames.
 *
 * Like mpg123, it locks on when a header is followed by another of the same stream exactly one frame
 * later, then follows the chain of frames; bytes outside the chain (tags, junk) are skipped and
 * counted. Because the chain is followed rather than re-verified, the last frame before a trailer
 * (ID3v1 "TAG", APE, Lyrics3) is kept, and a file cut inside a frame is told apart from one with a
 * trailer: the cut frame's header still belongs to the chain.
 */
export class MpegFrameSplitter {
  /** Header of the first frame, once locked on. */
  first: MpegHeader | null = null;
  frameBytes = 0;
  skippedBytes = 0;

  private pending = new Uint8Array(0);
  /** The 4 header bytes of the chain's last frame; null while not locked on. */
  private reference: Uint8Array | null = null;
  private readonly lastHeader = new Uint8Array(4);

  /** Returns the runs of whole frames now available, as views of contiguous bytes. */
  push(chunk: Uint8Array): Uint8Array[] {
    const b = this.pending.length === 0 ? chunk : concat([this.pending, chunk]);
    const { runs, pos } = this.scan(b, false);
    this.pending = b.slice(pos);
    return runs;
  }

  /** At the end of the file: the last frames, or CORRUPT_FILE when the file was cut inside one. */
  end(): Uint8Array[] {
    const b = this.pending;
    const { runs, pos } = this.scan(b, true);
    const rest = b.length - pos;
    if (rest > 0 && this.reference && isHeaderPrefix(b, pos, this.reference)) {
      const expected = parseMpegHeader(b, pos)?.frameBytes;
      throw corrupt(
        expected
          ? `The MP3 file is truncated: its last frame has ${rest} of ${expected} bytes.`
          : "The MP3 file is truncated inside a frame header.",
        { presentBytes: rest, expectedBytes: expected ?? null },
      );
    }
    this.skippedBytes += rest;
    this.pending = new Uint8Array(0);
    return runs;
  }

  private scan(b: Uint8Array, final: boolean): { runs: Uint8Array[]; pos: number } {
    const runs: Uint8Array[] = [];
    let runStart = -1;
    let p = 0;
    const closeRun = () => {
      if (runStart >= 0 && p > runStart) runs.push(b.subarray(runStart, p));
      runStart = -1;
    };

    while (p + 4 <= b.length) {
      const header = parseMpegHeader(b, p);
      const chained = header !== null && this.reference !== null && sameStream(this.reference, 0, b, p);
      if (header && (chained || this.reference === null)) {
        const end = p + header.frameBytes;
        if (end > b.length) break; // wait for the rest of the frame (or report the cut at the end)
        // Not locked on yet: a second header of the same stream must follow, or the file must end here.
        const confirmed = chained || (end + 4 <= b.length ? parseMpegHeader(b, end) !== null && sameStream(b, p, b, end) : final && end === b.length);
        if (!confirmed && !final && end + 4 > b.length) break; // wait for the next header
        if (confirmed) {
          if (runStart < 0) runStart = p;
          this.first ??= header;
          for (let i = 0; i < 4; i++) this.lastHeader[i] = b[p + i]!;
          this.reference = this.lastHeader;
          this.frameBytes += header.frameBytes;
          p = end;
          continue;
        }
      }
      // Not a frame of this stream: lose the lock and look for the next sync byte.
      closeRun();
      this.reference = null;
      const next = b.indexOf(0xff, p + 1);
      const skipTo = next < 0 ? b.length : next;
      this.skippedBytes += skipTo - p;
      p = skipTo;
    }
    closeRun();
    return { runs, pos: p };
  }
}

/** Whether the 1-4 bytes at `p` could be the start of a header of the locked-on stream. */
function isHeaderPrefix(b: Uint8Array, p: number, reference: Uint8Array): boolean {
  if (b[p] !== 0xff) return false;
  if (p + 1 < b.length && (b[p + 1]! & 0xfe) !== (reference[1]! & 0xfe)) return false;
  if (p + 2 < b.length && (b[p + 2]! & 0x0c) !== (reference[2]! & 0x0c)) return false;
  return true;
}
