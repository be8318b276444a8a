// Worker entry: runs inspectAudio for the main thread on files as they are written, several at a time.
import { parentPort } from "node:worker_threads";
import { inspectAudio } from "../inspect";
import { readGrowingFile } from "./growing-file";
import { type FromWorker, type SerializedError, type ToWorker } from "./protocol";

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

port.on("message", ({ id, file, opts }: ToWorker) => {
  inspectAudio(readGrowingFile(file), opts).then(
    (info) => send({ type: "done", id, info }),
    (error: unknown) => send({ type: "failed", id, error: serialize(error) }),
  );
});

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, details } = error as { code?: unknown; details?: Record<string, unknown> };
  return { name: error.name, message: error.message, ...(typeof code === "string" ? { code } : {}), ...(details ? { details } : {}) };
}
