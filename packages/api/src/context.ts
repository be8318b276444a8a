import type { Config } from "@mini-studio/config";
import { getConfig } from "@mini-studio/config";
import type { Logger } from "@mini-studio/config/logger";
import { getLogger } from "@mini-studio/config/logger";
import type { Db } from "@mini-studio/db";
import { getDb } from "@mini-studio/db";
import { randomUUID } from "node:crypto";
import { AppError } from "./errors";

/** Who is calling. Filled in by the accounts layer; null when anonymous. */
export type SessionInfo = { userId: string; via: "session" | "token" };

export type Context = {
  config: Config;
  db: Db;
  log: Logger;
  requestId: string;
  headers: Headers;
  session: SessionInfo | null;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Honour a well-formed upstream `x-request-id` so a proxy's id follows the request; otherwise make one. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export type CreateContextOptions = {
  headers: Headers;
  requestId?: string;
  db?: Db;
  config?: Config;
  log?: Logger;
};

export async function createContext(opts: CreateContextOptions): Promise<Context> {
  const requestId = opts.requestId ?? requestIdFrom(opts.headers);
  const log = (opts.log ?? getLogger("api")).child({ requestId });
  return {
    config: opts.config ?? getConfig(),
    db: opts.db ?? (await connectDb(log)),
    log,
    requestId,
    headers: opts.headers,
    session: await resolveSession(opts.headers),
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

/** Placeholder until accounts land: nobody is signed in. */
async function resolveSession(_headers: Headers): Promise<SessionInfo | null> {
  return null;
}
