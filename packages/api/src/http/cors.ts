import type { Config } from "@mini-studio/config";
import { AppError } from "../errors";
import { fail } from "./json";

/**
 * CORS and cross-site request refusal for every /api/* route, run before routing (apps/web proxy).
 *
 * - A listed origin gets its own origin echoed with credentials allowed; `*` answers `*` and never
 *   allows credentials, so no foreign page can read a signed-in user's data with their cookie.
 * - A preflight from an origin that is not allowed is refused without any CORS header.
 * - A state-changing request whose Origin is neither this site nor allowed is refused, whatever its
 *   content type: browsers send Origin on every cross-origin POST, so this stops CSRF outright.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS = "authorization, content-type, x-request-id, trpc-accept, x-trpc-source";
const EXPOSE_HEADERS = "x-request-id, ratelimit, ratelimit-policy, retry-after";

export type CorsDecision =
  /** Answer now with this response (a preflight, or a refusal). */
  | { respond: Response }
  /** Let the request through and add these headers to its response. */
  | { headers: Record<string, string> };

/** The origin this request was addressed to, as the browser saw it (behind a proxy too). */
function ownOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host") || url.host;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(/:$/, "");
  return `${proto}://${host}`.toLowerCase();
}

function corsHeaders(origin: string, allowed: Config["corsAllowedOrigins"]): Record<string, string> {
  if (allowed === "*") return { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSE_HEADERS };
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": EXPOSE_HEADERS,
    vary: "Origin",
  };
}

export function corsDecision(request: Request, allowed: Config["corsAllowedOrigins"]): CorsDecision {
  const origin = request.headers.get("origin");
  const isPreflight = request.method === "OPTIONS" && request.headers.has("access-control-request-method");
  // No Origin: not a cross-origin browser request (curl, server-to-server, same-origin GET).
  if (!origin) {
    return isPreflight ? { respond: new Response(null, { status: 204 }) } : { headers: {} };
  }
  const normalized = origin.toLowerCase();
  const sameOrigin = normalized === ownOrigin(request);
  const listed = allowed === "*" || allowed.includes(normalized);

  if (!sameOrigin && !listed) {
    if (isPreflight || !SAFE_METHODS.has(request.method)) {
      return { respond: fail(new AppError("FORBIDDEN", `Requests from ${origin} are not allowed.`)) };
    }
    return { headers: {} };
  }
  if (sameOrigin && !listed) {
    return isPreflight ? { respond: new Response(null, { status: 204 }) } : { headers: {} };
  }
  const headers = corsHeaders(origin, allowed);
  if (isPreflight) {
    return {
      respond: new Response(null, {
        status: 204,
        headers: {
          ...headers,
          "access-control-allow-methods": ALLOW_METHODS,
          "access-control-allow-headers": ALLOW_HEADERS,
          "access-control-max-age": "600",
        },
      }),
    };
  }
  return { headers };
}
