import { Worker } from "node:worker_threads";

// Runs as an eval'd worker (no file to bundle or resolve): one locked write per 4 KB page.
// compareExchange(0 → 0) never changes a value the owner has written, yet makes the kernel map the
// page for writing, so the owner finds it mapped.
const SOURCE = `
const { workerData } = require("node:worker_threads");
const words = new Int32Array(workerData);
for (let i = 0; i < words.length; i += 1024) Atomics.compareExchange(words, i, 0, 0);
`;

/**
 * Maps a fresh buffer's pages in on another thread while the caller fills it. Touching fresh
 * memory costs a page fault per 4 KB, which on some virtual machines adds up to milliseconds per
 * megabyte; done beside the work instead of inside it, a large buffer costs the caller little.
 * Best effort: if the worker cannot start, the caller simply faults the pages itself.
 */
export function prefaultInBackground(buffer: SharedArrayBuffer): void {
  try {
    const worker = new Worker(SOURCE, { eval: true, workerData: buffer });
    worker.unref();
    worker.on("error", () => undefined);
  } catch {
    // No worker threads here: nothing lost but the head start.
  }
}
