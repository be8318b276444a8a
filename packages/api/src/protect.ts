import type { Context } from "./context";
import { AppError } from "./errors";
import { rateLimitHeaders, rulesFromConfig } from "./rate-limit";

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
  const decision = await ctx.rateLimiter.consume(rule, key);
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) ctx.resHeaders.set(name, value);
  if (!decision.allowed) {
    throw new AppError("RATE_LIMITED", `Too many requests; try again in ${decision.resetSec} s.`, {
      details: { retryAfter: decision.resetSec, limit: rule.limit, windowSec: rule.windowSec },
    });
  }
}
