// Helpers for this package's tests: real databases, real limiters, callers as a client would be.
import { parseConfig, type Config } from "@mini-studio/config";
import type { Db } from "@mini-studio/db";
import type { StorageDriver } from "@mini-studio/storage";
import { createContext, type Context } from "./context";
import { createMemoryRateLimiter, type RateLimiter } from "./rate-limit";
import { createCaller } from "./root";

export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ NODE_ENV: "test", ...env });
}

type AppCaller = ReturnType<typeof createCaller>;

export type Browser = {
  /** Runs one request: a fresh context from the headers a real request would carry, then keeps any Set-Cookie. */
  run<T>(fn: (caller: AppCaller, ctx: Context) => Promise<T>): Promise<T>;
  cookie(): string | undefined;
  setCookie(cookie: string | undefined): void;
  /** The Set-Cookie headers of the last request. */
  lastSetCookie(): string[];
  /** The response headers of the last request. */
  lastHeaders(): Headers;
};

/** A client that keeps its session cookie between calls, like a browser. */
export function browser(
  db: Db,
  opts: { config?: Config; rateLimiter?: RateLimiter; storage?: StorageDriver; ip?: string; headers?: Record<string, string> } = {},
): Browser {
  const config = opts.config ?? testConfig();
  const rateLimiter = opts.rateLimiter ?? createMemoryRateLimiter();
  let cookie: string | undefined;
  let last = new Headers();
  return {
    async run(fn) {
      const headers = new Headers({ "x-forwarded-for": opts.ip ?? "203.0.113.7", ...opts.headers });
      if (cookie) headers.set("cookie", cookie);
      last = new Headers();
      const ctx = await createContext({
        headers,
        resHeaders: last,
        db,
        config,
        rateLimiter,
        url: "http://studio.test/api/trpc",
        ...(opts.storage ? { storage: opts.storage } : {}),
      });
      try {
        return await fn(createCaller(ctx), ctx);
      } finally {
        for (const set of last.getSetCookie()) {
          const value = set.split(";")[0]!.split("=")[1] ?? "";
          cookie = value ? `ms_session=${value}` : undefined;
        }
      }
    },
    cookie: () => cookie,
    setCookie: (value) => (cookie = value),
    lastSetCookie: () => last.getSetCookie(),
    lastHeaders: () => last,
  };
}

export const PASSWORD = "correct horse battery staple";
