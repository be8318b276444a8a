import { getLogger, type Logger } from "@mini-studio/config/logger";
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "ioredis";

import { createMemoryRateLimiter } from "./memory";
import { secondsUntil, type RateLimitDecision, type RateLimiter, type RateLimitRule } from "./types";
import { createUpstashAdapter } from "./upstash-adapter";

export type WarnLog = Pick<Logger, "warn">;

export type RedisRateLimiterOptions = {
  /** ioredis client; the caller owns it (close() leaves it open). */
  redis: Redis;
  /** Key prefix, default `ms:rl`; keys are `<prefix>:<rule>:<key>:<window number>`. */
  prefix?: string;
  /** Answers while Redis fails; an in-process limiter by default. */
  fallback?: RateLimiter;
  /** Where the "Redis unavailable" warning goes; the `api` logger by default. */
  log?: WarnLog;
};

const WARN_INTERVAL_MS = 30_000;

/**
 * A warning that fires at most once per interval, counting what it held back,
 * so that an outage under load writes a line every 30 s and not one per request.
 */
export function createThrottledWarn(getLog: () => WarnLog, message: string, intervalMs = WARN_INTERVAL_MS) {
  let last = -Infinity;
  let suppressed = 0;
  return (err: unknown): void => {
    const t = Date.now();
    if (t - last < intervalMs) {
      suppressed++;
      return;
    }
    last = t;
    getLog().warn({ err, suppressed }, message);
    suppressed = 0;
  };
}

/**
 * The library stores a window under `<prefix>:<identifier>:<window>`. Percent-encoding
 * `:` and the glob characters keeps one identifier from ever naming another's keys
 * (`ip:2001:db8::1` vs `ip:2001:db8::1:5`), whether in a key or in a SCAN pattern.
 */
export function encodeKeyPart(part: string): string {
  return part.replace(/[%:*?[\]\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Shared sliding-window limits over Redis (`@upstash/ratelimit`), so that every
 * app instance counts against the same numbers. When Redis fails, each call is
 * answered by `fallback` instead: the studio keeps serving, with per-instance limits.
 */
export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  const { redis } = opts;
  const prefix = opts.prefix ?? "ms:rl";
  const fallback = opts.fallback ?? createMemoryRateLimiter();
  const ownsFallback = !opts.fallback;
  const adapter = createUpstashAdapter(redis);
  const limiters = new Map<string, Ratelimit>();
  const warn = createThrottledWarn(
    () => opts.log ?? getLogger("api"),
    "rate limit: Redis unavailable, counting in this process instead",
  );

  function limiterFor(rule: RateLimitRule): Ratelimit {
    const id = `${rule.name}\0${rule.limit}\0${rule.windowSec}`;
    let limiter = limiters.get(id);
    if (limiter) return limiter;
    limiter = new Ratelimit({
      redis: adapter,
      limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowSec} s`),
      prefix: `${prefix}:${encodeKeyPart(rule.name)}`,
      // Both call out to the network (Upstash analytics, a GitHub-hosted IP deny list).
      analytics: false,
      enableProtection: false,
      enableTelemetry: false,
      // A per-process block cache would refuse on one instance after a reset() on another.
      ephemeralCache: false,
      // The library's timeout lets the request through with no counting; instead a
      // slow Redis fails the command (ioredis commandTimeout) and the fallback counts.
      timeout: 0,
    });
    limiters.set(id, limiter);
    return limiter;
  }

  // With lazyConnect and no offline queue, ioredis rejects commands until the
  // first connect() has finished; start it once and let concurrent calls wait on it.
  let connecting: Promise<void> | undefined;
  async function connected(): Promise<void> {
    if (redis.status === "wait") {
      connecting ??= redis.connect().finally(() => {
        connecting = undefined;
      });
    }
    if (connecting) await connecting;
  }

  async function guarded<T>(viaRedis: () => Promise<T>, viaFallback: () => Promise<T>): Promise<T> {
    try {
      await connected();
      return await viaRedis();
    } catch (err) {
      warn(err);
      return viaFallback();
    }
  }

  const decision = (rule: RateLimitRule, allowed: boolean, remaining: number, resetAt: number): RateLimitDecision =>
    Object.freeze({ allowed, rule, remaining: Math.max(0, remaining), resetSec: secondsUntil(resetAt, Date.now(), !allowed) });

  return {
    backend: "redis",
    consume: (rule, key) =>
      guarded(
        async () => {
          const res = await limiterFor(rule).limit(encodeKeyPart(key));
          return decision(rule, res.success, res.remaining, res.reset);
        },
        () => fallback.consume(rule, key),
      ),
    peek: (rule, key) =>
      guarded(
        async () => {
          const res = await limiterFor(rule).getRemaining(encodeKeyPart(key));
          return decision(rule, res.remaining > 0, res.remaining, res.reset);
        },
        () => fallback.peek(rule, key),
      ),
    async reset(rule, key) {
      // Also forget what the fallback counted during an outage, so that an old outage's count does not come back with the next one.
      await fallback.reset(rule, key);
      // The library's resetUsedTokens SCANs the whole keyspace; a sliding window only ever
      // lives in its current and previous fixed windows, so delete those two keys directly.
      const windowMs = rule.windowSec * 1000;
      const current = Math.floor(Date.now() / windowMs);
      const base = `${prefix}:${encodeKeyPart(rule.name)}:${encodeKeyPart(key)}`;
      await guarded(
        () => redis.del(`${base}:${current}`, `${base}:${current - 1}`).then(() => undefined),
        async () => undefined,
      );
    },
    async close() {
      limiters.clear();
      if (ownsFallback) await fallback.close();
    },
  };
}
