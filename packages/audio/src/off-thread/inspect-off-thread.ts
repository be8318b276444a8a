import { Worker } from "node:worker_threads";
import { type InspectAudioOptions } from "../inspect";
import { type AudioInfo } from "../types";
import { type GrowingFile } from "./growing-file";
import { type FromWorker, type ToWorker } from "./protocol";
import { deserializeError, throughTsx } from "./worker-support";

type Pending = { resolve(info: AudioInfo): void; reject(error: Error): void };

/**
 * One long-lived worker thread that decodes uploads for validation, duration and peaks, so that
 * the decoding runs on another core while the event loop keeps receiving and writing the file.
 */
class InspectWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor() {
    // The Next.js build bundles the entry as JavaScript: `new Worker(new URL(...))` is the form it
    // detects. Run from source (tests, tsx), the .ts entry goes through tsx (`throughTsx`). Node's
    // ESM loader and Vitest set `import.meta.filename`; Turbopack's stand-in `import.meta` has only `url`.
    const fromSource = import.meta.filename?.endsWith(".ts") ?? false;
    this.worker = fromSource
      ? new Worker(throughTsx(new URL("./inspect-worker.ts", import.meta.url)), { eval: true, name: WORKER_NAME })
      : new Worker(new URL("./inspect-worker.ts", import.meta.url), { name: WORKER_NAME });
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => this.receive(message));
    this.worker.on("error", (error) => this.die(error));
    this.worker.on("exit", (code) => this.die(new Error(`the audio inspection worker exited with code ${code}`)));
  }

  inspect(file: GrowingFile, opts: InspectAudioOptions): Promise<AudioInfo> {
    const id = this.nextId++;
    const result = new Promise<AudioInfo>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ type: "start", id, file: file.handle, opts } satisfies ToWorker);
    return result;
  }

  private receive(message: FromWorker): void {
    const job = this.pending.get(message.id);
    if (!job) return;
    this.pending.delete(message.id);
    if (message.type === "done") job.resolve(message.info);
    else job.reject(deserializeError(message.error));
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}

const WORKER_NAME = "mini-studio-audio-inspect";

let shared: InspectWorker | undefined;

/**
 * `inspectAudio` of a file that is still being written, on a worker thread: the same answer and the
 * same errors, but the decoding runs beside the caller's event loop, and the bytes go from the file
 * to the decoder without passing through the caller. It settles once the writer has called
 * `finished()` and the last byte is decoded, or earlier when the file is refused (a bad header, too
 * long); `abandoned()` makes it reject. A worker that dies is replaced on the next call.
 */
export function inspectGrowingFile(file: GrowingFile, opts: InspectAudioOptions): Promise<AudioInfo> {
  if (!shared || shared.dead) shared = new InspectWorker();
  return shared.inspect(file, opts);
}
