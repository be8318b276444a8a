import type { Config } from "@mini-studio/config";
import type { Db } from "@mini-studio/db";
import { parse, serialize } from "cookie";
import { hashSecret, newSecret } from "./secrets";

export const SESSION_COOKIE = "ms_session";
const DAY_MS = 86_400_000;
/** A session's expiry moves forward at most this often, so busy clients don't write on every request. */
const SLIDE_EVERY_MS = 60 * 60 * 1000;

export type SessionRecord = { id: string; userId: string; role: "USER" | "ADMIN"; expiresAt: Date; lastSeenAt: Date };

export function sessionTtlMs(config: Config): number {
  return config.sessionTtlDays * DAY_MS;
}

export async function createSession(
  db: Db,
  config: Config,
  input: { userId: string; userAgent?: string | null; ip?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret("ms_sess");
  const expiresAt = new Date(Date.now() + sessionTtlMs(config));
  await db.prisma.session.create({
    data: {
      tokenHash: hashSecret(token),
      userId: input.userId,
      expiresAt,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip?.slice(0, 64) ?? null,
    },
  });
  return { token, expiresAt };
}

/** A live session for the cookie token, or null when unknown, revoked or expired. */
export async function findSession(db: Db, token: string): Promise<SessionRecord | null> {
  const session = await db.prisma.session.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { id: true, userId: true, expiresAt: true, lastSeenAt: true, revokedAt: true, user: { select: { role: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return null;
  const { user, revokedAt: _revokedAt, ...rest } = session;
  return { ...rest, role: user.role };
}

/** Pushes the expiry forward (sliding sessions); returns the new expiry when it moved. */
export async function slideSession(db: Db, config: Config, session: SessionRecord): Promise<Date | null> {
  const now = Date.now();
  if (now - session.lastSeenAt.getTime() < SLIDE_EVERY_MS) return null;
  const expiresAt = new Date(now + sessionTtlMs(config));
  await db.prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now), expiresAt } });
  return expiresAt;
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.prisma.session.updateMany({
    where: { tokenHash: hashSecret(token), revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

export function sessionTokenFrom(headers: Headers): string | undefined {
  const header = headers.get("cookie");
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}

/** httpOnly, SameSite=Lax, Secure over https. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    expires: expiresAt,
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0, expires: new Date(0) });
}
