import { corsDecision } from "@mini-studio/api/cors";
import { getConfig } from "@mini-studio/config";
import { NextResponse, type NextRequest } from "next/server";

/** CORS, preflights and cross-site refusal for every API route, before any route runs. */
export function proxy(request: NextRequest) {
  const decision = corsDecision(request, getConfig().corsAllowedOrigins);
  if ("respond" in decision) return decision.respond;
  const response = NextResponse.next();
  for (const [name, value] of Object.entries(decision.headers)) response.headers.set(name, value);
  return response;
}

// Uploads are left out: Next.js buffers the body of every request the proxy sees (and cuts it off
// at 10 MB). The upload routes apply the same CORS decision themselves, while streaming.
export const config = { matcher: "/api/((?!upload/).*)" };
