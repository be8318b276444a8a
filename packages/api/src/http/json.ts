import { toErrorBody, type AppError } from "../errors";

/** `{success:true, ...body}` — the original API's success shape. */
export function ok(body: Record<string, unknown> = {}, init: { status?: number; headers?: ResponseInit["headers"] } = {}): Response {
  return Response.json({ success: true, ...body }, { status: init.status ?? 200, headers: init.headers });
}

/** `{success:false, error:{code,message,details?}}` with the code's HTTP status. */
export function fail(error: AppError, headers?: ResponseInit["headers"]): Response {
  return Response.json({ success: false, error: toErrorBody(error) }, { status: error.status, headers });
}
