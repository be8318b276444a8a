import { type InspectAudioOptions } from "../inspect";
import { type AudioInfo } from "../types";
import { type GrowingFileHandle } from "./growing-file";
import { type SerializedError } from "./worker-support";

/**
 * Main thread → worker: inspect a file as it is written. The bytes never travel in messages: the
 * worker reads them from the file, following the writer through the file's shared memory.
 * Each inspection has an id, so one worker serves several uploads at once.
 */
export type ToWorker = { type: "start"; id: number; file: GrowingFileHandle; opts: InspectAudioOptions };

/** Worker → main thread. */
export type FromWorker = { type: "done"; id: number; info: AudioInfo } | { type: "failed"; id: number; error: SerializedError };
