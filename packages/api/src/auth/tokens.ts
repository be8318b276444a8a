import type { Db } from "@mini-studio/db";
import { z } from "zod";
import { AppError } from "../errors";
import { hashSecret, newSecret } from "./secrets";

export const TOKEN_PREFIX = "ms_tok";
/** How many characters of a token are kept in clear, so users can tell their tokens apart. */
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 7;
const MAX_TOKENS_PER_USER = 50;
/** lastUsedAt is a hint for people, not an audit log: write it at most once a minute. */
const TOUCH_EVERY_MS = 60_000;

export const ZCreateTokenSchema = z.object({
  name: z.string().trim().min(1, { error: "Give the token a name." }).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const ZApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
});

export type ApiTokenView = z.infer<typeof ZApiTokenSchema>;

const VIEW = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true } as const;

/** Creates a token; the secret is returned this once and only its hash is stored. */
export async function createApiToken(
  db: Db,
  userId: string,
  input: z.infer<typeof ZCreateTokenSchema>,
): Promise<{ token: string; apiToken: ApiTokenView }> {
  const live = await db.prisma.apiToken.count({ where: { userId, revokedAt: null } });
  if (live >= MAX_TOKENS_PER_USER) {
    throw new AppError("CONFLICT", `You can have at most ${MAX_TOKENS_PER_USER} tokens; revoke one first.`);
  }
  const token = newSecret(TOKEN_PREFIX);
  const apiToken = await db.prisma.apiToken.create({
    data: {
      userId,
      name: input.name,
      tokenHash: hashSecret(token),
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    },
    select: VIEW,
  });
  return { token, apiToken };
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenView[]> {
  return db.prisma.apiToken.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: "desc" }, select: VIEW });
}

/** Revokes one of the caller's tokens. Someone else's token is NOT_FOUND, never FORBIDDEN: ids don't leak. */
export async function revokeApiToken(db: Db, userId: string, id: string): Promise<void> {
  const { count } = await db.prisma.apiToken.updateMany({
    where: { id, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("NOT_FOUND", "No such token.");
}

export async function findApiToken(
  db: Db,
  token: string,
): Promise<{ id: string; userId: string; role: "USER" | "ADMIN" } | null> {
  if (!token.startsWith(`${TOKEN_PREFIX}_`)) return null;
  const found = await db.prisma.apiToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { id: true, userId: true, revokedAt: true, expiresAt: true, lastUsedAt: true, user: { select: { role: true } } },
  });
  if (!found || found.revokedAt || (found.expiresAt && found.expiresAt.getTime() <= Date.now())) return null;
  if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.prisma.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } });
  }
  return { id: found.id, userId: found.userId, role: found.user.role };
}

export function bearerTokenFrom(headers: Headers): string | undefined {
  const header = headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
