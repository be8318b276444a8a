import { getConfig, type Config } from "@mini-studio/config";
import { getLogger } from "@mini-studio/config/logger";
import { Redis } from "ioredis";

import { createMemoryRateLimiter } from "./memory";
import { createRedisRateLimiter, createThrottledWarn, type WarnLog } from "./redis";
import { disabledRateLimiter, type RateLimiter } from "./types";

export { rateLimitHeaders } from "./headers";
export { createMemoryRateLimiter, type MemoryRateLimiter } from "./memory";
export { createRedisRateLimiter, type RedisRateLimiterOptions } from "./redis";
export {
  disabledRateLimiter,
  rulesFromConfig,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitRule,
  type RateLimitRules,
} from "./types";

/**
 * The limiter that config asks for: none when rate limiting is off, Redis-backed
 * (shared by every instance, in-process while Redis fails) when REDIS_URL is
 * set, in-process otherwise. close() also closes the Redis connection it opened.
 */
export function createRateLimiterFromConfig(config: Config, opts: { log?: WarnLog } = {}): RateLimiter {
  if (!config.rateLimitEnabled) return disabledRateLimiter;
  if (!config.redisUrl) return createMemoryRateLimiter();

  const getLog = () => opts.log ?? getLogger("api");
  const redis = new Redis(config.redisUrl, {
    // Fail fast while Redis is away: the fallback answers instead of requests queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    // Connect on first use, not at import (e.g. during `next build`).
    lazyConnect: true,
  });
  // ioredis emits an error per reconnect attempt; without a listener one would crash the process.
  redis.on("error", createThrottledWarn(getLog, "rate limit: Redis connection error"));
  const limiter = createRedisRateLimiter({ redis, log: opts.log });
  return {
    backend: limiter.backend,
    consume: limiter.consume,
    peek: limiter.peek,
    reset: limiter.reset,
    async close() {
      await limiter.close();
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

// On globalThis so that Next's dev HMR, which re-evaluates this module, keeps
// one limiter (and one Redis connection) per process.
const SINGLETON = Symbol.for("@mini-studio/api/rate-limit");
type Holder = { [SINGLETON]?: RateLimiter };

/** The process's rate limiter, built from config on first use. Closing it lets the next call build a new one. */
export function getRateLimiter(): RateLimiter {
  const holder = globalThis as Holder;
  const existing = holder[SINGLETON];
  if (existing) return existing;
  const limiter = createRateLimiterFromConfig(getConfig());
  const singleton: RateLimiter = {
    backend: limiter.backend,
    consume: limiter.consume,
    peek: limiter.peek,
    reset: limiter.reset,
    async close() {
      if (holder[SINGLETON] === singleton) delete holder[SINGLETON];
      await limiter.close();
    },
  };
  holder[SINGLETON] = singleton;
  return singleton;
}
