import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext, requestIdFrom } from "../context";
import { appRouter } from "../root";

export const TRPC_ENDPOINT = "/api/trpc";

/** Serves the tRPC API over the fetch adapter; every response carries the request id. */
export async function handleTrpcRequest(request: Request): Promise<Response> {
  const requestId = requestIdFrom(request.headers);
  const response = await fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: () => createContext({ headers: request.headers, requestId }),
  });
  response.headers.set("x-request-id", requestId);
  return response;
}
