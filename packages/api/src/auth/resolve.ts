import type { Config } from "@mini-studio/config";
import type { Db } from "@mini-studio/db";
import { findSession, sessionCookie, sessionTokenFrom, slideSession } from "./sessions";
import { bearerTokenFrom, findApiToken } from "./tokens";

/** Who is calling, and how they proved it. */
export type SessionInfo = {
  userId: string;
  role: "USER" | "ADMIN";
  via: "session" | "token";
  /** The session row, when signed in with the cookie (logout revokes it). */
  sessionId?: string;
};

/**
 * The caller behind a request: an `Authorization: Bearer` API token first, else the session
 * cookie. A session seen again after a while slides its expiry and refreshes the cookie.
 */
export async function resolveCaller(args: {
  db: Db;
  config: Config;
  headers: Headers;
  resHeaders: Headers;
  secure: boolean;
}): Promise<SessionInfo | null> {
  const { db, config, headers, resHeaders, secure } = args;

  const bearer = bearerTokenFrom(headers);
  if (bearer) {
    const token = await findApiToken(db, bearer);
    return token ? { userId: token.userId, role: token.role, via: "token" } : null;
  }

  const cookieToken = sessionTokenFrom(headers);
  if (!cookieToken) return null;
  const session = await findSession(db, cookieToken);
  if (!session) return null;
  const slid = await slideSession(db, config, session);
  if (slid) resHeaders.append("set-cookie", sessionCookie(cookieToken, slid, secure));
  return { userId: session.userId, role: session.role, via: "session", sessionId: session.id };
}
