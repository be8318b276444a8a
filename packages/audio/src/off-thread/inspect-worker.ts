// Worker entry: runs inspectAudio for the main thread on files as they are written, several at a time.
import { parentPort } from "node:worker_threads";
import { inspectAudio } from "../inspect";
import { readGrowingFile } from "./growing-file";
import { type FromWorker, type ToWorker } from "./protocol";
import { serializeError } from "./worker-support";

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

port.on("message", ({ id, file, opts }: ToWorker) => {
  inspectAudio(readGrowingFile(file), opts).then(
    (info) => send({ type: "done", id, info }),
    (error: unknown) => send({ type: "failed", id, error: serializeError(error) }),
  );
});
