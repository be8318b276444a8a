import { AudioDecodeError, type AudioDecodeErrorCode } from "../errors";

/**
 * Code for `new Worker(code, { eval: true })` that runs a .ts entry through tsx's loader, which a
 * worker must register itself (Node 20 ignores `--import` in a worker's execArgv). Used when the
 * studio runs from source (tests, tsx); a bundle ships its worker entries as JavaScript.
 */
export function throughTsx(entry: URL): string {
  return `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}

/** An error as it crosses between threads: enough to rebuild the studio's own errors on the other side. */
export type SerializedError = { name: string; message: string; code?: string; details?: Record<string, unknown> };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, details } = error as { code?: unknown; details?: Record<string, unknown> };
  return { name: error.name, message: error.message, ...(typeof code === "string" ? { code } : {}), ...(details ? { details } : {}) };
}

/** The same class (AudioDecodeError with its code, RangeError, TypeError) and message as thrown in the worker. */
export function deserializeError(error: SerializedError): Error {
  if (error.name === "AudioDecodeError" && error.code) return new AudioDecodeError(error.code as AudioDecodeErrorCode, error.message, error.details);
  if (error.name === "RangeError") return new RangeError(error.message);
  if (error.name === "TypeError") return new TypeError(error.message);
  return new Error(error.message);
}
