import { Worker } from "node:worker_threads";
import { AudioDecodeError, type AudioDecodeErrorCode } from "../errors";
import { type InspectAudioOptions } from "../inspect";
import { type AudioInfo } from "../types";
import { type FromWorker, type SerializedError, type ToWorker } from "./protocol";

/** Bytes are gathered into batches of this size and handed over (transferred, not copied again). */
const BATCH_BYTES = 1 << 20;
/** Batches sent but not yet taken by the decoder: bounds memory when the worker falls behind. */
const MAX_IN_FLIGHT = 4;

type Pending = { resolve(info: AudioInfo): void; reject(error: Error): void; acked(): void };

/** Batches given back by the worker, ready for the next bytes. */
const MAX_POOLED = 8;

/**
 * One long-lived worker thread that decodes uploads for validation, duration and peaks, so that
 * the decoding runs on another core while the event loop keeps receiving and writing the file.
 */
class InspectWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly pool: Uint8Array[] = [];
  private nextId = 1;
  dead = false;

  constructor() {
    // The Next.js build bundles the entry as JavaScript: `new Worker(new URL(...))` is the form it
    // detects. Run from source (tests, tsx), the .ts entry goes through tsx's loader, which a
    // worker must register itself (Node 20 ignores `--import` in a worker's execArgv). Node's ESM
    // loader and Vitest set `import.meta.filename`; Turbopack's stand-in `import.meta` has only `url`.
    const fromSource = import.meta.filename?.endsWith(".ts") ?? false;
    this.worker = fromSource
      ? new Worker(throughTsx(new URL("./inspect-worker.ts", import.meta.url)), { eval: true, name: WORKER_NAME })
      : new Worker(new URL("./inspect-worker.ts", import.meta.url), { name: WORKER_NAME });
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => this.receive(message));
    this.worker.on("error", (error) => this.die(error));
    this.worker.on("exit", (code) => this.die(new Error(`the audio inspection worker exited with code ${code}`)));
  }

  async inspect(source: AsyncIterable<Uint8Array>, opts: InspectAudioOptions): Promise<AudioInfo> {
    const id = this.nextId++;
    let inFlight = 0;
    let resume: (() => void) | undefined;
    const result = new Promise<AudioInfo>((resolve, reject) => {
      this.pending.set(id, {
        resolve,
        reject,
        acked: () => {
          inFlight--;
          resume?.();
        },
      });
    });
    // The worker may settle early (a bad header): stop feeding it then.
    let settled = false;
    const stop = () => {
      settled = true;
      resume?.();
    };
    void result.then(stop, stop);
    this.post({ type: "start", id, opts });

    let batch = this.takeBuffer();
    let filled = 0;
    const flush = async () => {
      if (filled === 0) return;
      const bytes = filled === batch.length ? batch : batch.subarray(0, filled);
      this.post({ type: "chunk", id, bytes }, [bytes.buffer as ArrayBuffer]);
      inFlight++;
      batch = this.takeBuffer();
      filled = 0;
      while (inFlight >= MAX_IN_FLIGHT && !settled) await new Promise<void>((r) => (resume = r));
    };
    try {
      for await (const chunk of source) {
        if (settled) break;
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(chunk.length - offset, BATCH_BYTES - filled);
          batch.set(chunk.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (filled === BATCH_BYTES) await flush();
        }
      }
      if (!settled) {
        await flush();
        this.post({ type: "end", id });
      }
      if (filled === 0 && this.pool.length < MAX_POOLED) this.pool.push(batch);
    } catch (error) {
      this.post({ type: "abort", id });
      await result.catch(() => undefined);
      throw error;
    }
    return result;
  }

  private takeBuffer(): Uint8Array {
    return this.pool.pop() ?? new Uint8Array(BATCH_BYTES);
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.dead) this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    const job = this.pending.get(message.id);
    if (!job) return;
    if (message.type === "ack") {
      if (this.pool.length < MAX_POOLED && message.bytes.buffer.byteLength === BATCH_BYTES) this.pool.push(new Uint8Array(message.bytes.buffer));
      return job.acked();
    }
    this.pending.delete(message.id);
    if (message.type === "done") job.resolve(message.info);
    else job.reject(deserialize(message.error));
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}

const WORKER_NAME = "mini-studio-audio-inspect";

function throughTsx(entry: URL): string {
  return `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}

let shared: InspectWorker | undefined;

/**
 * `inspectAudio` on a worker thread: the same answer and the same errors, but the decoding runs
 * beside the caller's event loop instead of on it. A worker that dies is replaced on the next call.
 */
export function inspectAudioOffThread(source: AsyncIterable<Uint8Array>, opts: InspectAudioOptions): Promise<AudioInfo> {
  if (!shared || shared.dead) shared = new InspectWorker();
  return shared.inspect(source, opts);
}

function deserialize(error: SerializedError): Error {
  if (error.name === "AudioDecodeError" && error.code) return new AudioDecodeError(error.code as AudioDecodeErrorCode, error.message, error.details);
  return error.name === "RangeError" ? new RangeError(error.message) : new Error(error.message);
}
