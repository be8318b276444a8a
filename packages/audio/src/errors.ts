export type AudioDecodeErrorCode = "CORRUPT_FILE" | "TOO_LONG" | "UNSUPPORTED_TYPE";

/** A file that cannot be accepted. The code maps onto the upload error codes of the API. */
export class AudioDecodeError extends Error {
  override readonly name = "AudioDecodeError";
  readonly code: AudioDecodeErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: AudioDecodeErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (details) this.details = details;
  }
}

export function corrupt(message: string, details?: Record<string, unknown>): AudioDecodeError {
  return new AudioDecodeError("CORRUPT_FILE", message, details);
}

export function unsupported(message: string, details?: Record<string, unknown>): AudioDecodeError {
  return new AudioDecodeError("UNSUPPORTED_TYPE", message, details);
}

/** `durationSec` is null when decoding stopped at the limit and the full length is unknown. */
export function tooLong(durationSec: number | null, limitSec: number): AudioDecodeError {
  const message =
    durationSec === null
      ? `The audio is longer than the limit of ${limitSec} s.`
      : // Rounded up, so that 600.04 s against 600 s never reads "600.0 s".
        `The audio is ${(Math.ceil(durationSec * 10) / 10).toFixed(1)} s long; the limit is ${limitSec} s.`;
  return new AudioDecodeError("TOO_LONG", message, { durationSec, limitSec });
}
