import type { AppRouter } from "@mini-studio/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export { createMiniStudioClient, trpcUrl, TRPC_PATH, type MiniStudioClient, type MiniStudioClientOptions } from "./create-client";
export { appErrorCode, appErrorDetails, type AppErrorCode, type MiniStudioClientError } from "./errors";
export { TRPCClientError, isTRPCClientError } from "@trpc/client";

export type { AppRouter };
/** Inputs of every procedure, e.g. `RouterInputs["auth"]["tokens"]["create"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, e.g. `RouterOutputs["credits"]["balance"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
