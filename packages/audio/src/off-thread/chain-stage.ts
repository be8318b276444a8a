import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type Effect } from "../effects/catalog";
import { deserializeError, throughTsx, type SerializedError } from "./worker-support";

/**
 * Words of the control buffer that the two stages share. The caller writes the end frame of each
 * decoded block into a ring of `RING_BLOCKS` words, then `published` (blocks written so far) or
 * `ended` (1: no more blocks), bumps `seq` and wakes the worker on it. The worker writes
 * `doneBlocks` and `doneFrames` as it finishes blocks. Samples never travel in messages: both
 * stages work in place on the gathered signal, a SharedArrayBuffer that the rest of the chain reads.
 */
export const CONTROL = { seq: 0, ended: 1, published: 2, doneBlocks: 3, doneFrames: 4, ring: 8 } as const;
/** Blocks the caller may run ahead of the worker (a minute or more of decoding); then it waits. */
export const RING_BLOCKS = 4096;
const CONTROL_WORDS = CONTROL.ring + RING_BLOCKS;
/** How long the caller waits for ring space before it looks for a failed worker again. */
const WAIT_MS = 200;

export type ChainStageData = {
  signal: SharedArrayBuffer;
  control: SharedArrayBuffer;
  channels: number;
  frames: number;
  sampleRate: number;
  /** Parsed effects (structured-cloned); the worker builds their processors from the catalog. */
  effects: Effect[];
};

/** Worker → caller, once: the stage finished every published frame, or failed. */
export type ChainStageMessage = { type: "done" } | { type: "failed"; error: SerializedError };

const WORKER_NAME = "mini-studio-audio-chain";

/**
 * Stage 2 of a pipelined chain: a worker thread that runs the later streaming effects over the
 * gathered signal, following the caller as it publishes blocks. One worker per run: it exits when
 * the stage is done, and `stop()` ends it early.
 */
export class ChainStage {
  private readonly control: Int32Array;
  private readonly worker: Worker;
  private readonly frames: number;
  /** Settles when the worker has finished the last frame; rejects with the worker's error. */
  private readonly finished: Promise<void>;
  /** Set as soon as the worker reports an error, so the caller can stop decoding. */
  failure: Error | null = null;

  private constructor(entry: URL, fromSource: boolean, data: Omit<ChainStageData, "control">) {
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.control = new Int32Array(control);
    this.frames = data.frames;
    const workerData: ChainStageData = { ...data, control };
    // As for the inspection worker: from source the .ts entry goes through tsx's loader, which a
    // worker must register itself; a bundle ships the entry as JavaScript beside its chunks.
    this.worker = fromSource
      ? new Worker(throughTsx(entry), { eval: true, name: WORKER_NAME, workerData })
      : new Worker(entry, { name: WORKER_NAME, workerData });
    this.finished = new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        this.failure = error;
        reject(error);
      };
      const done = () => {
        settled = true;
        resolve();
      };
      this.worker.on("message", (message: ChainStageMessage) => (message.type === "done" ? done() : fail(deserializeError(message.error))));
      this.worker.on("error", fail);
      this.worker.on("exit", (code) => fail(new Error(`the effects chain worker exited with code ${code}`)));
    });
    // The caller may fail first and never wait for the stage.
    this.finished.catch(() => undefined);
    // Held only while the caller waits for it (`waitFor`): an abandoned run never keeps a process alive.
    this.worker.unref();
  }

  /**
   * Whether the worker's entry is where this module expects it: beside it as .ts when run from
   * source, as .mjs in a bundle that was built with it (the CLI's). Without it the caller runs the
   * whole chain itself.
   */
  static available(): boolean {
    return workerEntry() !== null;
  }

  /** Starts the worker; see `available()`. */
  static start(data: Omit<ChainStageData, "control">): ChainStage {
    const entry = workerEntry();
    if (!entry) throw new Error("the effects chain worker is not part of this build");
    return new ChainStage(entry.url, entry.fromSource, data);
  }

  /** Hands the decoded blocks up to frame `end` over to the worker, waiting while the ring is full. */
  async publish(end: number): Promise<void> {
    const published = Atomics.load(this.control, CONTROL.published);
    for (;;) {
      if (this.failure) throw this.failure;
      const done = Atomics.load(this.control, CONTROL.doneBlocks);
      if (published - done < RING_BLOCKS) break;
      const wait = Atomics.waitAsync(this.control, CONTROL.doneBlocks, done, WAIT_MS);
      if (wait.async) await this.waitFor(wait.value);
    }
    Atomics.store(this.control, CONTROL.ring + (published % RING_BLOCKS), end);
    Atomics.store(this.control, CONTROL.published, published + 1);
    this.wake();
  }

  /** No more blocks will come: resolves once the worker has finished the last, or rejects with its error. */
  async end(): Promise<void> {
    Atomics.store(this.control, CONTROL.ended, 1);
    this.wake();
    await this.waitFor(this.finished);
  }

  private async waitFor<T>(promise: Promise<T>): Promise<T> {
    this.worker.ref();
    try {
      return await promise;
    } finally {
      this.worker.unref();
    }
  }

  private wake(): void {
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
  }

  /** How much of the signal the worker has finished, 0..1. */
  fraction(): number {
    return this.frames === 0 ? 1 : Atomics.load(this.control, CONTROL.doneFrames) / this.frames;
  }

  stop(): void {
    void this.worker.terminate();
  }
}

let entry: { url: URL; fromSource: boolean } | null | undefined;

function workerEntry(): { url: URL; fromSource: boolean } | null {
  if (entry !== undefined) return entry;
  // Node's ESM loader and Vitest set `import.meta.filename`; other bundlers may not. The worker's
  // entry is beside this module, with its extension: .ts from source, .cjs in the CLI's CommonJS
  // bundle, .mjs in an ES module bundle.
  const extension = /\.(ts|cjs|mjs)$/.exec(import.meta.filename ?? "")?.[1] ?? "mjs";
  const fromSource = extension === "ts";
  const url = new URL(`./chain-worker.${extension}`, import.meta.url);
  entry = url.protocol === "file:" && existsSync(fileURLToPath(url)) ? { url, fromSource } : null;
  return entry;
}
