import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext, requestIdFrom } from "../context";
import { AppError } from "../errors";
import { appRouter } from "../root";
import { fail } from "./json";

export const TRPC_ENDPOINT = "/api/trpc";

/**
 * Serves the tRPC API over the fetch adapter; every response carries the request id.
 * Mutations accept JSON only: form and plain-text bodies are what a cross-site page can send
 * without a CORS preflight, so refusing them closes that door whatever the cookie settings.
 */
export async function handleTrpcRequest(request: Request): Promise<Response> {
  const requestId = requestIdFrom(request.headers);
  if (request.method === "POST" && !isJson(request.headers.get("content-type"))) {
    const response = fail(new AppError("UNSUPPORTED_TYPE", "tRPC mutations accept application/json only."));
    response.headers.set("x-request-id", requestId);
    return response;
  }
  const response = await fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext({ headers: request.headers, url: request.url, resHeaders, requestId }),
  });
  response.headers.set("x-request-id", requestId);
  return response;
}

function isJson(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}
