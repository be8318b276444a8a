import type { Config } from "@mini-studio/config";

export type RateLimitRule = Readonly<{ name: string; limit: number; windowSec: number }>;

export type RateLimitDecision = Readonly<{
  allowed: boolean;
  rule: RateLimitRule;
  /** Requests still allowed after this call, >= 0. */
  remaining: number;
  /** Whole seconds until the window frees capacity (>= 0; >= 1 when refused). */
  resetSec: number;
}>;

export type RateLimiter = {
  /** Counts one request against `key` under `rule` and says whether it may proceed. */
  consume(rule: RateLimitRule, key: string): Promise<RateLimitDecision>;
  /** Whether a request would be allowed now, without counting it (for "failures only" limits such as logins). */
  peek(rule: RateLimitRule, key: string): Promise<RateLimitDecision>;
  /** Forgets `key` under `rule` (e.g. after a successful login). */
  reset(rule: RateLimitRule, key: string): Promise<void>;
  close(): Promise<void>;
  readonly backend: "memory" | "redis" | "disabled";
};

export type RateLimitRules = Readonly<{
  default: RateLimitRule;
  lyrics: RateLimitRule;
  uploads: RateLimitRule;
  loginAccount: RateLimitRule;
  loginIp: RateLimitRule;
}>;

const rule = (name: string, limit: number, windowSec: number): RateLimitRule => Object.freeze({ name, limit, windowSec });

/** Per-minute request buckets from config; login limits count failures over 15 minutes. */
export function rulesFromConfig(config: Config): RateLimitRules {
  return Object.freeze({
    default: rule("default", config.rateLimits.default, 60),
    lyrics: rule("lyrics", config.rateLimits.lyrics, 60),
    uploads: rule("uploads", config.rateLimits.uploads, 60),
    loginAccount: rule("login-account", 10, 900),
    loginIp: rule("login-ip", 50, 900),
  });
}

/** Seconds from `nowMs` until `atMs`, rounded up; at least 1 when the request was refused. */
export function secondsUntil(atMs: number, nowMs: number, refused: boolean): number {
  const sec = Math.max(0, Math.ceil((atMs - nowMs) / 1000));
  return refused ? Math.max(1, sec) : sec;
}

export const disabledRateLimiter: RateLimiter = Object.freeze({
  backend: "disabled" as const,
  consume: async (rule: RateLimitRule) => Object.freeze({ allowed: true, rule, remaining: rule.limit, resetSec: 0 }),
  peek: async (rule: RateLimitRule) => Object.freeze({ allowed: true, rule, remaining: rule.limit, resetSec: 0 }),
  reset: async () => undefined,
  close: async () => undefined,
});
