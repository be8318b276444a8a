import type { Context } from "./context";
import { AppError } from "./errors";
import { rateLimitHeaders, rulesFromConfig, type RateLimitDecision } from "./rate-limit";

export type RateLimitBucket = "default" | "lyrics" | "uploads";

/**
 * Counts the call against the caller's budget for `bucket` (per user when signed in, else per
 * address), puts the RateLimit headers on the response, and refuses with RATE_LIMITED when spent.
 */
export async function enforceRateLimit(
  ctx: Pick<Context, "config" | "rateLimiter" | "resHeaders" | "session" | "ip">,
  bucket: RateLimitBucket,
): Promise<void> {
  if (!ctx.config.rateLimitEnabled) return;
  const rule = rulesFromConfig(ctx.config)[bucket];
  const key = ctx.session ? `user:${ctx.session.userId}` : `ip:${ctx.ip}`;
  applyRateLimit(ctx, await ctx.rateLimiter.consume(rule, key), "Too many requests");
}

/** Puts a decision's RateLimit headers on the response, and refuses with RATE_LIMITED when it says no. */
export function applyRateLimit(ctx: Pick<Context, "resHeaders">, decision: RateLimitDecision, refusal: string): void {
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) ctx.resHeaders.set(name, value);
  if (decision.allowed) return;
  const { rule, resetSec } = decision;
  throw new AppError("RATE_LIMITED", `${refusal}; try again in ${resetSec} s.`, {
    details: { retryAfter: resetSec, limit: rule.limit, windowSec: rule.windowSec },
  });
}
