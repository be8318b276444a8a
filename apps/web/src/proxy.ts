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

export const config = { matcher: "/api/:path*" };
