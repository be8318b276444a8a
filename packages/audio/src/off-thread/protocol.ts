import { type InspectAudioOptions } from "../inspect";
import { type AudioInfo } from "../types";

/** Main thread → worker. Each inspection has an id, so one worker serves several uploads at once. */
export type ToWorker =
  | { type: "start"; id: number; opts: InspectAudioOptions }
  /** `bytes` is transferred, not copied. */
  | { type: "chunk"; id: number; bytes: Uint8Array }
  | { type: "end"; id: number }
  | { type: "abort"; id: number };

export type SerializedError = { name: string; message: string; code?: string; details?: Record<string, unknown> };

/** Worker → main thread. `ack` says a chunk was taken by the decoder, which paces the sender. */
export type FromWorker =
  | { type: "ack"; id: number }
  | { type: "done"; id: number; info: AudioInfo }
  | { type: "failed"; id: number; error: SerializedError };
