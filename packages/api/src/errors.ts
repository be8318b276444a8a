import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";

/**
 * Every failure the studio reports, whatever the surface (tRPC, REST, jobs).
 * Each code maps once to a tRPC code and an HTTP status; see `APP_ERROR_TABLE`.
 */
export const APP_ERROR_CODES = [
  "VALIDATION_ERROR",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "INSUFFICIENT_CREDITS",
  "RATE_LIMITED",
  "UNSUPPORTED_TYPE",
  "TOO_LARGE",
  "TYPE_MISMATCH",
  "CORRUPT_FILE",
  "TOO_LONG",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_ERROR",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

type ErrorMapping = { trpc: TRPC_ERROR_CODE_KEY; status: number; message: string };

export const APP_ERROR_TABLE: Readonly<Record<AppErrorCode, ErrorMapping>> = {
  VALIDATION_ERROR: { trpc: "BAD_REQUEST", status: 400, message: "The request is not valid." },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", status: 401, message: "Sign in to do this." },
  FORBIDDEN: { trpc: "FORBIDDEN", status: 403, message: "You are not allowed to do this." },
  NOT_FOUND: { trpc: "NOT_FOUND", status: 404, message: "Not found." },
  METHOD_NOT_ALLOWED: { trpc: "METHOD_NOT_SUPPORTED", status: 405, message: "Method not allowed." },
  CONFLICT: { trpc: "CONFLICT", status: 409, message: "This conflicts with existing data." },
  INSUFFICIENT_CREDITS: { trpc: "PAYMENT_REQUIRED", status: 402, message: "Not enough credits." },
  RATE_LIMITED: { trpc: "TOO_MANY_REQUESTS", status: 429, message: "Too many requests; try again shortly." },
  UNSUPPORTED_TYPE: { trpc: "UNSUPPORTED_MEDIA_TYPE", status: 415, message: "This file type is not supported." },
  TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", status: 413, message: "The request is too large." },
  TYPE_MISMATCH: { trpc: "UNPROCESSABLE_CONTENT", status: 422, message: "The file content does not match its type." },
  CORRUPT_FILE: { trpc: "UNPROCESSABLE_CONTENT", status: 422, message: "The file is corrupt or unreadable." },
  TOO_LONG: { trpc: "UNPROCESSABLE_CONTENT", status: 422, message: "The audio is too long." },
  SERVICE_UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", status: 503, message: "A service the studio needs is unavailable." },
  INTERNAL_ERROR: { trpc: "INTERNAL_SERVER_ERROR", status: 500, message: "Something went wrong on our side." },
};

export type AppErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: AppErrorCode;
  readonly details: AppErrorDetails | undefined;

  constructor(code: AppErrorCode, message?: string, opts: { details?: AppErrorDetails; cause?: unknown } = {}) {
    super(message ?? APP_ERROR_TABLE[code].message, { cause: opts.cause });
    this.code = code;
    this.details = opts.details;
  }

  get status(): number {
    return APP_ERROR_TABLE[this.code].status;
  }
}

/** The shape a client sees, on REST as `error` and on tRPC inside `data`. */
export type AppErrorBody = { code: AppErrorCode; message: string; details?: AppErrorDetails };

export function toErrorBody(error: AppError): AppErrorBody {
  return error.details === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, details: error.details };
}

/** Zod issues as `{ formErrors, fieldErrors }`, the form clients already render. */
export function flattenZodError(error: z.ZodError): AppErrorDetails {
  return z.flattenError(error) as unknown as AppErrorDetails;
}

/**
 * Any thrown value as an AppError. Unknown errors become INTERNAL_ERROR with the
 * generic message, so internals never leak; the original stays as `cause` for the log.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError("VALIDATION_ERROR", summarizeZodError(error), { details: flattenZodError(error), cause: error });
  }
  if (isDomainError(error)) return new AppError(error.code, error.message, { details: error.details, cause: error });
  if (error instanceof Error && error.cause !== undefined && error.cause !== error) {
    const inner = error.cause;
    if (inner instanceof AppError || inner instanceof z.ZodError || isDomainError(inner)) return toAppError(inner);
  }
  return new AppError("INTERNAL_ERROR", undefined, { cause: error });
}

/**
 * The pure libraries (storage, audio) can't depend on the API, so they throw their own errors
 * carrying the same codes; they are recognised by name and code rather than by class.
 */
const DOMAIN_ERRORS = new Set(["UploadError", "AudioDecodeError"]);

function isDomainError(error: unknown): error is Error & { code: AppErrorCode; details?: AppErrorDetails } {
  return (
    error instanceof Error &&
    DOMAIN_ERRORS.has(error.name) &&
    (APP_ERROR_CODES as readonly unknown[]).includes((error as { code?: unknown }).code)
  );
}

/** "email: Invalid email; password: Too small" — one line a person can act on. */
export function summarizeZodError(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return parts.join("; ") || "The request is not valid.";
}
