import { createTRPCClient, httpBatchLink, type HTTPHeaders } from "@trpc/client";
import type { AppRouter } from "@mini-studio/api";
import superjson from "superjson";

/** Where the studio serves tRPC, relative to its base URL. */
export const TRPC_PATH = "/api/trpc";

type FetchLike = NonNullable<Parameters<typeof httpBatchLink<AppRouter>>[0]["fetch"]>;

export type MiniStudioClientOptions = {
  /** The studio's address, e.g. `http://localhost:3000` (a path prefix such as `/studio` is kept). */
  baseUrl: string | URL;
  /** An API token (`ms_tok_…`), sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Another fetch, e.g. for tests or older runtimes; the global one by default. */
  fetch?: FetchLike;
  /** Extra headers on every request, or a function that returns them per request. */
  headers?: HTTPHeaders | (() => HTTPHeaders | Promise<HTTPHeaders>);
};

export type MiniStudioClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/**
 * A typed client for the studio's tRPC API. Calls made in the same tick are batched into one
 * HTTP request; mutations go out as JSON POSTs, which the server requires.
 */
export function createMiniStudioClient(options: MiniStudioClientOptions): MiniStudioClient {
  const url = trpcUrl(options.baseUrl);
  const authorization = bearer(options.token);
  const extra = options.headers;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        transformer: superjson,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        async headers() {
          const base = typeof extra === "function" ? await extra() : (extra ?? {});
          return authorization ? { ...base, authorization } : base;
        },
      }),
    ],
  });
}

/** The tRPC endpoint under `baseUrl`; throws a readable Error for anything but an absolute http(s) URL. */
export function trpcUrl(baseUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`Mini Studio baseUrl must be an absolute http(s) URL such as "http://localhost:3000" (got ${JSON.stringify(String(baseUrl))}).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`Mini Studio baseUrl must use http or https (got "${url.protocol}" in ${JSON.stringify(url.origin === "null" ? String(baseUrl) : url.origin)}).`);
  }
  // fetch refuses URLs with credentials, and a token belongs in `token`, not in the URL.
  if (url.username || url.password) {
    throw new Error("Mini Studio baseUrl must not contain a user name or password; pass an API token as `token`.");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}${TRPC_PATH}`;
}

function bearer(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (token.trim() === "" || /\s/.test(token)) {
    throw new Error("Mini Studio token must be a non-empty string without spaces (an API token starts with \"ms_tok_\").");
  }
  return `Bearer ${token}`;
}
