export type UploadErrorCode =
  | "UNSUPPORTED_TYPE"
  | "TOO_LARGE"
  | "TYPE_MISMATCH"
  | "CORRUPT_FILE"
  | "TOO_LONG"
  | "VALIDATION_ERROR";

/**
 * A refused upload. The codes are the API's AppError codes, so the API layer maps this 1:1;
 * the message is written for the user (what is wrong, what is accepted).
 */
export class UploadError extends Error {
  override readonly name = "UploadError";
  readonly code: UploadErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: UploadErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    if (details) this.details = details;
  }
}

export function isUploadError(error: unknown): error is UploadError {
  return error instanceof UploadError;
}
