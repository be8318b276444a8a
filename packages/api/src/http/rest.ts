import type { Readable } from "node:stream";
import { getConfig } from "@mini-studio/config";
import { getLogger } from "@mini-studio/config/logger";
import type { z } from "zod";
import { createContext, requestIdFrom, type Context, type CreateContextOptions } from "../context";
import { AppError, toAppError } from "../errors";
import { corsDecision } from "./cors";
import { fail } from "./json";
import { enforceRateLimit, type RateLimitBucket } from "../protect";

export { fail, ok } from "./json";

/**
 * REST adapters keep the original Flask contract: every body has `success`.
 * They are thin: parse, call a domain function, answer. Never a second implementation.
 */

type RouteParams = Record<string, string | string[] | undefined>;

export type RestHandlerArgs = {
  request: Request;
  ctx: Context;
  params: RouteParams;
  /** The request body: `request.body`, or Node's own request when a Node route serves it (see node-route.ts). */
  body: ReadableStream<Uint8Array> | Readable | null;
};
export type RestHandler = (args: RestHandlerArgs) => Promise<Response>;

/** What Next.js passes a route handler after the request, plus the Node body a Node route passes. */
export type RouteExtras = { params?: Promise<RouteParams>; body?: Readable };
export type RestRoute = (request: Request, route?: RouteExtras) => Promise<Response>;

export type RestRouteOptions = Pick<CreateContextOptions, "db" | "config" | "rateLimiter" | "storage"> & {
  /** Which rate-limit budget a call spends; `false` for none (health checks). Default "default". */
  rateLimit?: RateLimitBucket | false;
  /**
   * Apply CORS here rather than in the proxy. Upload routes bypass the Next.js proxy, which would
   * buffer (and cut off at 10 MB) every request body it sees; they check origins themselves.
   */
  cors?: boolean;
};

/** Parses a JSON body against a schema; anything else is a VALIDATION_ERROR that names the field. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await request.json();
  } catch (cause) {
    throw new AppError("VALIDATION_ERROR", "The body must be valid JSON.", { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw toAppError(parsed.error);
  return parsed.data;
}

/** The caller's session, or UNAUTHORIZED. */
export function requireSession(ctx: Context): NonNullable<Context["session"]> {
  if (!ctx.session) throw new AppError("UNAUTHORIZED");
  return ctx.session;
}

/**
 * Wraps a Next.js route handler: request id, context (caller, response headers), rate limit,
 * one log line per request, and any thrown error as `{success:false,error}` with its status.
 */
export function restRoute(handler: RestHandler, options: RestRouteOptions = {}): RestRoute {
  const { rateLimit = "default", cors = false, ...deps } = options;
  return async (request, route) => {
    const started = performance.now();
    const corsResult = cors ? corsDecision(request, (deps.config ?? getConfig()).corsAllowedOrigins) : { headers: {} };
    if ("respond" in corsResult) return corsResult.respond;
    const requestId = requestIdFrom(request.headers);
    const path = new URL(request.url).pathname;
    const resHeaders = new Headers();
    let log = getLogger("api").child({ requestId });
    let response: Response;
    try {
      const ctx = await createContext({ ...deps, headers: request.headers, url: request.url, resHeaders, requestId });
      log = ctx.log;
      if (rateLimit) await enforceRateLimit(ctx, rateLimit);
      response = await handler({ request, ctx, params: (await route?.params) ?? {}, body: route?.body ?? request.body });
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500) log.error({ err: error.cause ?? error, code: error.code }, "request failed");
      response = fail(error);
    }
    resHeaders.forEach((value, name) => {
      if (name === "set-cookie") return;
      response.headers.set(name, value);
    });
    for (const cookie of resHeaders.getSetCookie()) response.headers.append("set-cookie", cookie);
    for (const [name, value] of Object.entries(corsResult.headers)) response.headers.set(name, value);
    response.headers.set("x-request-id", requestId);
    log.info({ method: request.method, path, status: response.status, ms: Math.round(performance.now() - started) }, "request");
    return response;
  };
}

/** OPTIONS for a route that bypasses the proxy: answers CORS preflights itself. */
export function preflightRoute(deps: Pick<RestRouteOptions, "config"> = {}): RestRoute {
  return async (request) => {
    const decision = corsDecision(request, (deps.config ?? getConfig()).corsAllowedOrigins);
    return "respond" in decision ? decision.respond : new Response(null, { status: 204, headers: decision.headers });
  };
}
