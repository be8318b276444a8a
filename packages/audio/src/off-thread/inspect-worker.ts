// Worker entry: runs inspectAudio for the main thread, several inspections at a time.
import { parentPort } from "node:worker_threads";
import { inspectAudio } from "../inspect";
import { type FromWorker, type SerializedError, type ToWorker } from "./protocol";

type Feed = { push(bytes: Uint8Array | null): void; abort(): void };

const port = parentPort!;
const feeds = new Map<number, Feed>();
const send = (message: FromWorker) => port.postMessage(message);

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "start": {
      const { id } = message;
      const feed = createFeed((bytes) => port.postMessage({ type: "ack", id, bytes } satisfies FromWorker, [bytes.buffer as ArrayBuffer]));
      feeds.set(id, feed);
      inspectAudio(feed.iterable, message.opts).then(
        (info) => send({ type: "done", id, info }),
        (error: unknown) => send({ type: "failed", id, error: serialize(error) }),
      ).finally(() => feeds.delete(id));
      break;
    }
    case "chunk":
      feeds.get(message.id)?.push(message.bytes);
      break;
    case "end":
      feeds.get(message.id)?.push(null);
      break;
    case "abort":
      feeds.get(message.id)?.abort();
      break;
  }
});

/** Chunks waiting for the decoder; each goes back once the decoder asks for the next. */
function createFeed(ack: (bytes: Uint8Array) => void): Feed & { iterable: AsyncIterable<Uint8Array> } {
  const queue: (Uint8Array | null)[] = [];
  let wake: (() => void) | undefined;
  let aborted = false;
  return {
    push(bytes) {
      queue.push(bytes);
      wake?.();
    },
    abort() {
      aborted = true;
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        let lent: Uint8Array | undefined;
        for (;;) {
          if (aborted) throw new Error("inspection aborted");
          // The decoders copy what they keep of a chunk before asking for the next one.
          if (lent) ack(lent);
          lent = undefined;
          const next = queue.shift();
          if (next === null) return;
          if (next) {
            lent = next;
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    },
  };
}

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, details } = error as { code?: unknown; details?: Record<string, unknown> };
  return { name: error.name, message: error.message, ...(typeof code === "string" ? { code } : {}), ...(details ? { details } : {}) };
}
