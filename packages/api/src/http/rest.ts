import type { z } from "zod";
import { createContext, requestIdFrom, type Context, type CreateContextOptions } from "../context";
import { AppError, toAppError, toErrorBody } from "../errors";
import { getLogger } from "@mini-studio/config/logger";

/**
 * REST adapters keep the original Flask contract: every body has `success`.
 * They are thin: parse, call a domain function, answer. Never a second implementation.
 */

type JsonObject = Record<string, unknown>;
type RouteParams = Record<string, string | string[] | undefined>;

export type RestHandlerArgs = { request: Request; ctx: Context; params: RouteParams };
export type RestHandler = (args: RestHandlerArgs) => Promise<Response>;

export function ok(body: JsonObject = {}, init: { status?: number; headers?: ResponseInit["headers"] } = {}): Response {
  return Response.json({ success: true, ...body }, { status: init.status ?? 200, headers: init.headers });
}

export function fail(error: AppError, headers?: ResponseInit["headers"]): Response {
  return Response.json({ success: false, error: toErrorBody(error) }, { status: error.status, headers });
}

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

/**
 * Wraps a Next.js route handler: request id, context, one log line per request,
 * and any thrown error as `{success:false,error}` with its status.
 */
export function restRoute(handler: RestHandler, deps: Pick<CreateContextOptions, "db" | "config"> = {}) {
  return async (request: Request, route?: { params?: Promise<RouteParams> }): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdFrom(request.headers);
    const path = new URL(request.url).pathname;
    let log = getLogger("api").child({ requestId });
    let response: Response;
    try {
      const ctx = await createContext({ ...deps, headers: request.headers, requestId, log: getLogger("api") });
      log = ctx.log;
      response = await handler({ request, ctx, params: (await route?.params) ?? {} });
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500) log.error({ err: error.cause ?? error, code: error.code }, "request failed");
      response = fail(error);
    }
    response.headers.set("x-request-id", requestId);
    log.info({ method: request.method, path, status: response.status, ms: Math.round(performance.now() - started) }, "request");
    return response;
  };
}
