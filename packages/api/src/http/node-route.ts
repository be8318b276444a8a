import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { AppError } from "../errors";
import { fail } from "./json";
import type { RestRoute } from "./rest";

type NodeRequest = IncomingMessage & { query?: Partial<Record<string, string | string[]>> };

/**
 * Serves REST routes from Node's own (req, res): a Next.js Pages API route with `bodyParser: false`
 * hands its handler the IncomingMessage untouched, where an App Router route handler only gets the
 * body after Next.js has turned it into a web stream, layer on layer (15–20 % of an upload's
 * throughput; docs/benchmarks.md). The route sees a body-less Request for the URL and headers, and
 * the IncomingMessage itself as its body. `routes` maps each method to its route; others get 405.
 */
export function nodeRoute(routes: Partial<Record<string, RestRoute>>) {
  return async (req: NodeRequest, res: ServerResponse): Promise<void> => {
    const request = new Request(requestUrl(req), { method: req.method, headers: toHeaders(req.headers) });
    const route = routes[req.method ?? ""];
    const response = route
      ? await route(request, { params: Promise.resolve(req.query ?? {}), body: req })
      : fail(new AppError("METHOD_NOT_ALLOWED", `Use ${Object.keys(routes).join(" or ")} here.`), { allow: Object.keys(routes).join(", ") });
    await send(response, res);
  };
}

function requestUrl(req: IncomingMessage): URL {
  const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
  return new URL(req.url ?? "/", `${protocol}://${req.headers.host ?? "localhost"}`);
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  // A refused upload may still be arriving. Node drains the rest after this answer rather than
  // cutting the connection, which would make many clients fail with a broken pipe before they
  // read it.
  const body = Buffer.from(await response.arrayBuffer());
  res.setHeader("content-length", body.length);
  res.end(body);
}
