import { closeSync, openSync, readSync } from "node:fs";

/**
 * A file that one thread is still writing and another reads as it grows: an upload decoded while it
 * lands on disk. The writer publishes in shared memory how many bytes are on disk; the reader reads
 * them back from the page cache and sleeps until enough more have arrived. Nothing crosses between
 * the threads per chunk (no messages, no copies on the writer's side), so the thread that receives
 * the upload pays almost nothing for having it inspected.
 */

/** Int32 slots: a counter bumped on every change (what a reader waits on), and the writer's state. */
const SEQ = 0;
const STATE = 1;
const WRITING = 0;
const FINISHED = 1;
const ABANDONED = 2;
/** BigInt64 slots: bytes on disk, and how many the reader waits for before it wants waking. */
const WRITTEN = 0;
const WANTED = 1;
/** WANTED once the reader has been woken: nothing to wake it for until it says again. */
const NOBODY_WAITING = 2n ** 63n - 1n;

/** The shared memory of a GrowingFile, as it is handed to the reading thread. */
export type GrowingFileHandle = { path: string; shared: SharedArrayBuffer };

type Views = { signal: Int32Array; sizes: BigInt64Array };

function views(shared: SharedArrayBuffer): Views {
  return { signal: new Int32Array(shared, 0, 2), sizes: new BigInt64Array(shared, 8, 2) };
}

/** The writer's side. Its three methods are what the upload intake calls as the file is written. */
export class GrowingFile {
  readonly shared = new SharedArrayBuffer(24);
  private readonly signal: Int32Array;
  private readonly sizes: BigInt64Array;
  private written = 0n;

  constructor(readonly path: string) {
    ({ signal: this.signal, sizes: this.sizes } = views(this.shared));
  }

  get handle(): GrowingFileHandle {
    return { path: this.path, shared: this.shared };
  }

  /**
   * `bytes` more are on disk. Wakes the reader only when it waits and has now got what it waits
   * for, once: a wake-up costs tens of microseconds, a write takes a few.
   */
  appended(bytes: number): void {
    this.written += BigInt(bytes);
    Atomics.store(this.sizes, WRITTEN, this.written);
    Atomics.add(this.signal, SEQ, 1);
    const wanted = Atomics.load(this.sizes, WANTED);
    // If the reader changes WANTED after the load, the counter bump above either makes its wait
    // return at once or came before it looked at WRITTEN: it needs no wake-up from here.
    if (this.written >= wanted && Atomics.compareExchange(this.sizes, WANTED, wanted, NOBODY_WAITING) === wanted) {
      Atomics.notify(this.signal, SEQ);
    }
  }

  /** The file is complete. */
  finished(): void {
    this.settle(FINISHED);
  }

  /** The write failed or the upload was refused: the reader stops with an error. */
  abandoned(): void {
    this.settle(ABANDONED);
  }

  private settle(state: number): void {
    if (Atomics.compareExchange(this.signal, STATE, WRITING, state) !== WRITING) return;
    Atomics.add(this.signal, SEQ, 1);
    Atomics.notify(this.signal, SEQ);
  }
}

/**
 * The reader's side: the file's bytes in chunks of up to `chunkBytes`, as they are written, until
 * the writer finishes. Each chunk is a view of one reused buffer, valid until the next is asked for
 * (the decoders copy what they keep). Throws if the writer abandons the file.
 */
export async function* readGrowingFile(file: GrowingFileHandle, chunkBytes = 1 << 20): AsyncGenerator<Uint8Array> {
  const { signal, sizes } = views(file.shared);
  // Opened once there are bytes to read: the writer may not have created the file yet. The reads
  // are synchronous: on the inspection thread they hold up nothing but other inspections (for
  // ~0.1 ms per MB, from the page cache), and they spare each chunk a round trip through the
  // thread pool, which the event loop's writes of the same upload are using.
  let fd: number | undefined;
  const buffer = new Uint8Array(chunkBytes);
  let position = 0;
  try {
    for (;;) {
      // The counter first: any change after this load makes the wait below return at once.
      const seq = Atomics.load(signal, SEQ);
      const state = Atomics.load(signal, STATE);
      if (state === ABANDONED) throw new Error("the file was abandoned before it was complete");
      const available = Number(Atomics.load(sizes, WRITTEN)) - position;
      // Whole chunks while the file grows, so the reader wakes once per chunk, not per write.
      if (available >= chunkBytes || (state === FINISHED && available > 0)) {
        fd ??= openSync(file.path, "r");
        const bytesRead = readSync(fd, buffer, 0, Math.min(available, chunkBytes), position);
        if (bytesRead === 0) throw new Error("the file is shorter than its writer reported");
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
        continue;
      }
      if (state === FINISHED) return;
      // Set after reading the counter: a writer that has since appended past it bumped the counter,
      // so the wait below returns at once; one that appends later sees this and wakes us.
      Atomics.store(sizes, WANTED, BigInt(position + chunkBytes));
      const wait = Atomics.waitAsync(signal, SEQ, seq);
      if (wait.async) await wait.value;
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
