import { getConfig, type Config } from "@mini-studio/config";
import { getLogger, type Logger } from "@mini-studio/config/logger";
import { getDb, type Db } from "@mini-studio/db";
import { randomUUID } from "node:crypto";
import { resolveCaller, type SessionInfo } from "./auth/resolve";
import { AppError } from "./errors";
import { getRateLimiter, type RateLimiter } from "./rate-limit";
import { getStorage } from "./storage";
import type { StorageDriver } from "@mini-studio/storage";

export type { SessionInfo } from "./auth/resolve";

export type Context = {
  config: Config;
  db: Db;
  log: Logger;
  requestId: string;
  headers: Headers;
  /** Headers to add to the response (cookies, rate-limit state). */
  resHeaders: Headers;
  /** The caller's address as the nearest proxy saw it; see `clientIp`. */
  ip: string;
  /** Whether the request reached us over https (directly or through a proxy). */
  secure: boolean;
  session: SessionInfo | null;
  rateLimiter: RateLimiter;
  storage: StorageDriver;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Honour a well-formed upstream `x-request-id` so a proxy's id follows the request; otherwise make one. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The client address. Next.js fills `x-forwarded-for` with the socket address only when it is
 * absent, and a reverse proxy appends the address it saw, so the last entry is the one the
 * nearest trusted hop vouches for.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || headers.get("x-real-ip") || "unknown";
}

function isSecure(url: string | undefined, headers: Headers): boolean {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (proto) return proto === "https";
  return url?.startsWith("https:") ?? false;
}

export type CreateContextOptions = {
  headers: Headers;
  url?: string;
  resHeaders?: Headers;
  requestId?: string;
  db?: Db;
  config?: Config;
  log?: Logger;
  rateLimiter?: RateLimiter;
  storage?: StorageDriver;
};

export async function createContext(opts: CreateContextOptions): Promise<Context> {
  const requestId = opts.requestId ?? requestIdFrom(opts.headers);
  const baseLog = (opts.log ?? getLogger("api")).child({ requestId });
  const config = opts.config ?? getConfig();
  const db = opts.db ?? (await connectDb(baseLog));
  const resHeaders = opts.resHeaders ?? new Headers();
  const secure = isSecure(opts.url, opts.headers);
  const session = await resolveCaller({ db, config, headers: opts.headers, resHeaders, secure });
  return {
    config,
    db,
    log: session ? baseLog.child({ userId: session.userId }) : baseLog,
    requestId,
    headers: opts.headers,
    resHeaders,
    ip: clientIp(opts.headers),
    secure,
    session,
    rateLimiter: opts.rateLimiter ?? getRateLimiter(),
    storage: opts.storage ?? getStorage(config),
  };
}

async function connectDb(log: Logger): Promise<Db> {
  try {
    return await getDb();
  } catch (cause) {
    log.error({ err: cause }, "database unavailable");
    throw new AppError("SERVICE_UNAVAILABLE", "The database is not reachable.", { cause });
  }
}
