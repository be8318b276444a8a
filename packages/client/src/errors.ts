import { isTRPCClientError, type TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@mini-studio/api";
import type { inferRouterError } from "@trpc/server";

/** The failure codes the studio reports (`error.data.appCode`), e.g. "UNAUTHORIZED" or "INSUFFICIENT_CREDITS". */
export type AppErrorCode = inferRouterError<AppRouter>["data"]["appCode"];

/** What a failed call rejects with. */
export type MiniStudioClientError = TRPCClientError<AppRouter>;

/**
 * The studio's error code of a failed call (`error.data.appCode`), or undefined when `error`
 * is not an answer from the studio: a network failure, a non-tRPC error, anything else.
 */
export function appErrorCode(error: unknown): string | undefined {
  const code = errorData(error)?.["appCode"];
  return typeof code === "string" ? code : undefined;
}

/** The `details` the studio attached to a failure (for example which limit was hit), if any. */
export function appErrorDetails(error: unknown): Record<string, unknown> | undefined {
  const details = errorData(error)?.["details"];
  return details !== null && typeof details === "object" ? (details as Record<string, unknown>) : undefined;
}

function errorData(error: unknown): Record<string, unknown> | undefined {
  // A second copy of @trpc/client (bundlers, linked packages) defeats instanceof; the name still holds.
  const isClientError = isTRPCClientError(error) || (error instanceof Error && error.name === "TRPCClientError");
  if (!isClientError) return undefined;
  const data = (error as { data?: unknown }).data;
  return data !== null && typeof data === "object" ? (data as Record<string, unknown>) : undefined;
}
