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

/**
 * Worker → main thread. `ack` hands a chunk's buffer back once the decoder is done with it: that
 * paces the sender, and lets it reuse the buffer (fresh memory costs more than the copy into it).
 */
export type FromWorker =
  | { type: "ack"; id: number; bytes: Uint8Array }
  | { type: "done"; id: number; info: AudioInfo }
  | { type: "failed"; id: number; error: SerializedError };
