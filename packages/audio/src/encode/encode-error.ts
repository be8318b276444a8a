export type AudioEncodeErrorCode = "UNSUPPORTED_FORMAT" | "INVALID_OPTIONS";

/**
 * Audio that cannot be written with the options asked for: a format we do not write, or settings the
 * format cannot hold (an MP3 bitrate outside the standard set, a sample rate MP3 has no code for).
 * It is the caller's mistake, so the API maps it to a 400, never to a 500.
 */
export class AudioEncodeError extends Error {
  override readonly name = "AudioEncodeError";
  readonly code: AudioEncodeErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: AudioEncodeErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (details) this.details = details;
  }
}

export function invalidOptions(message: string, details?: Record<string, unknown>): AudioEncodeError {
  return new AudioEncodeError("INVALID_OPTIONS", message, details);
}
