import { Prisma } from "@mini-studio/db";
import { z } from "zod";
import type { Context } from "../context";
import { getBalance, grantCredits } from "../credits/ledger";
import { AppError } from "../errors";
import { applyRateLimit } from "../protect";
import { rulesFromConfig } from "../rate-limit";
import { ZEmailSchema } from "./email";
import { hashPassword, verifyPassword, ZPasswordSchema } from "./password";
import { clearedSessionCookie, createSession, revokeSession, sessionCookie, sessionTokenFrom } from "./sessions";

export const ZSignupSchema = z.object({
  email: ZEmailSchema,
  password: ZPasswordSchema,
  name: z.string().trim().min(1).max(100).optional(),
});

export const ZLoginSchema = z.object({
  email: ZEmailSchema,
  // Any length is checked against the hash; the cap only keeps hashing cheap.
  password: z.string().min(1, { error: "Enter your password." }).max(1024),
});

export const ZUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(["USER", "ADMIN"]),
  createdAt: z.date(),
});

export type UserView = z.infer<typeof ZUserSchema>;

const USER_VIEW = { id: true, email: true, name: true, role: true, createdAt: true } as const;
const BAD_LOGIN = "Invalid email or password.";

type AuthContext = Pick<Context, "db" | "config" | "log" | "headers" | "resHeaders" | "ip" | "secure" | "rateLimiter">;

function startSession(ctx: AuthContext, userId: string) {
  return createSession(ctx.db, ctx.config, { userId, userAgent: ctx.headers.get("user-agent"), ip: ctx.ip }).then(
    ({ token, expiresAt }) => {
      ctx.resHeaders.append("set-cookie", sessionCookie(token, expiresAt, ctx.secure));
    },
  );
}

/** Creates an account with the trial credits and signs it in. */
export async function signup(ctx: AuthContext, input: z.infer<typeof ZSignupSchema>): Promise<{ user: UserView; credits: number }> {
  const passwordHash = await hashPassword(input.password);
  const role = ctx.config.adminEmail === input.email ? "ADMIN" : "USER";
  let user: UserView;
  try {
    user = await ctx.db.prisma.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { email: input.email, name: input.name ?? null, passwordHash, role },
        select: USER_VIEW,
      });
      if (ctx.config.trialCredits > 0) {
        await grantCredits(tx, { userId: created.id, amount: ctx.config.trialCredits, kind: "TRIAL", reason: "Trial credits" });
      }
      return created;
    });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    // Probing for registered emails costs the same budget as guessing passwords.
    const decision = await ctx.rateLimiter.consume(rulesFromConfig(ctx.config).loginIp, `ip:${ctx.ip}`);
    if (!decision.allowed) applyRateLimit(ctx, decision, "Too many attempts");
    throw new AppError("CONFLICT", "An account could not be created with these details. If you already have one, log in.");
  }
  await startSession(ctx, user.id);
  ctx.log.info({ userId: user.id, role }, "signed up");
  return { user, credits: ctx.config.trialCredits };
}

/**
 * Signs in. Failures count against the account and the caller's address; either budget
 * running out refuses further attempts for a while, and the answer never says which part was wrong.
 */
export async function login(ctx: AuthContext, input: z.infer<typeof ZLoginSchema>): Promise<{ user: UserView }> {
  const rules = rulesFromConfig(ctx.config);
  const accountKey = `account:${input.email}`;
  const ipKey = `ip:${ctx.ip}`;
  for (const [rule, key] of [[rules.loginAccount, accountKey], [rules.loginIp, ipKey]] as const) {
    const decision = await ctx.rateLimiter.peek(rule, key);
    if (!decision.allowed) applyRateLimit(ctx, decision, "Too many attempts");
  }

  const found = await ctx.db.prisma.user.findUnique({ where: { email: input.email }, select: { ...USER_VIEW, passwordHash: true } });
  if (!(await verifyPassword(found?.passwordHash, input.password)) || !found) {
    await Promise.all([ctx.rateLimiter.consume(rules.loginAccount, accountKey), ctx.rateLimiter.consume(rules.loginIp, ipKey)]);
    ctx.log.info({ ip: ctx.ip }, "login failed");
    throw new AppError("UNAUTHORIZED", BAD_LOGIN);
  }
  await ctx.rateLimiter.reset(rules.loginAccount, accountKey);
  const { passwordHash: _passwordHash, ...user } = found;
  await startSession(ctx, user.id);
  ctx.log.info({ userId: user.id }, "logged in");
  return { user };
}

/** Ends the cookie session server-side (the cookie alone is worthless afterwards) and clears it. */
export async function logout(ctx: AuthContext): Promise<void> {
  const token = sessionTokenFrom(ctx.headers);
  if (token) await revokeSession(ctx.db, token);
  ctx.resHeaders.append("set-cookie", clearedSessionCookie(ctx.secure));
}

export async function me(ctx: Pick<Context, "db">, userId: string): Promise<{ user: UserView; credits: number }> {
  const user = await ctx.db.prisma.user.findUnique({ where: { id: userId }, select: USER_VIEW });
  if (!user) throw new AppError("UNAUTHORIZED");
  return { user, credits: await getBalance(ctx.db.prisma, userId) };
}
