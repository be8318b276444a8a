import type { RateLimitDecision } from "./types";

/** An sf-string (RFC 9651 §3.3.3): quoted, with `\` and `"` escaped. */
const sfString = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * Response headers per draft-ietf-httpapi-ratelimit-headers-11 (May 2026, the
 * current draft): `RateLimit-Policy` and `RateLimit` are Structured Field Lists
 * whose item is the policy name, with `q` (quota) and `w` (window, seconds), and
 * `r` (remaining) and `t` (seconds until reset). `Retry-After` (RFC 9110 §10.2.3)
 * only on a refusal.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const { rule, remaining, resetSec } = decision;
  const name = sfString(rule.name);
  const headers: Record<string, string> = {
    "RateLimit-Policy": `${name};q=${rule.limit};w=${rule.windowSec}`,
    RateLimit: `${name};r=${remaining};t=${resetSec}`,
  };
  if (!decision.allowed) headers["Retry-After"] = String(resetSec);
  return headers;
}
