/**
 * 1. Context   — see ./context.ts
 * 2. Init      — superjson, and one error formatter over AppError
 * 3. Procedures — publicProcedure, protectedProcedure, adminProcedure
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { z } from "zod";
import type { Context } from "./context";
import { enforceRateLimit, type RateLimitBucket } from "./protect";
import { APP_ERROR_TABLE, AppError, flattenZodError, toAppError, type AppErrorCode } from "./errors";

// 2. Init ---------------------------------------------------------------------

/** Which AppError a tRPC failure stands for: its own cause, bad input, or an error tRPC raised itself. */
export function appErrorOf(error: TRPCError): AppError {
  if (error.cause instanceof AppError || error.cause instanceof z.ZodError) return toAppError(error.cause);
  const byTrpcCode: Partial<Record<TRPCError["code"], AppErrorCode>> = {
    BAD_REQUEST: "VALIDATION_ERROR",
    PARSE_ERROR: "VALIDATION_ERROR",
    UNAUTHORIZED: "UNAUTHORIZED",
    FORBIDDEN: "FORBIDDEN",
    NOT_FOUND: "NOT_FOUND",
    METHOD_NOT_SUPPORTED: "METHOD_NOT_ALLOWED",
    PAYLOAD_TOO_LARGE: "TOO_LARGE",
    UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_TYPE",
    TOO_MANY_REQUESTS: "RATE_LIMITED",
  };
  const code = byTrpcCode[error.code];
  return code ? new AppError(code, error.message, { cause: error }) : toAppError(error.cause ?? error);
}

/** Per-procedure settings: which rate-limit budget a call spends (`false`: none, e.g. health checks). */
export type Meta = { rateLimit: RateLimitBucket | false };

const t = initTRPC.context<Context>().meta<Meta>().create({
  defaultMeta: { rateLimit: "default" },
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const appError = appErrorOf(error);
    const mapping = APP_ERROR_TABLE[appError.code];
    // Stacks help while developing and leak internals anywhere else.
    const { stack, ...data } = shape.data;
    return {
      message: appError.message,
      code: TRPC_ERROR_CODES_BY_KEY[mapping.trpc],
      data: {
        ...data,
        ...(ctx?.config.nodeEnv === "development" ? { stack } : {}),
        code: mapping.trpc,
        httpStatus: mapping.status,
        appCode: appError.code,
        details: appError.details,
        zodError: error.cause instanceof z.ZodError ? flattenZodError(error.cause) : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

// 3. Procedures ---------------------------------------------------------------

/** Logs each call's outcome once, with the request id the context carries; never the input. */
const logged = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const ms = Math.round(performance.now() - started);
  if (result.ok) {
    ctx.log.debug({ path, type, ms }, "trpc call");
    return result;
  }
  const appError = appErrorOf(result.error);
  if (appError.code === "INTERNAL_ERROR") ctx.log.error({ err: result.error.cause ?? result.error, path, type, ms }, "trpc call failed");
  else ctx.log.info({ path, type, ms, code: appError.code }, "trpc call refused");
  return result;
});

const rateLimited = t.middleware(async ({ ctx, meta, next }) => {
  const bucket = meta?.rateLimit ?? "default";
  if (bucket) await enforceRateLimit(ctx, bucket);
  return next();
});

export const publicProcedure = t.procedure.use(logged).use(rateLimited);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new AppError("UNAUTHORIZED");
  return next({ ctx: { ...ctx, session: ctx.session } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.session.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only an admin can do this.");
  return next();
});

export { TRPCError };
