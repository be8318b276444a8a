import { createHash, randomUUID } from "node:crypto";

import { parseConfig } from "@mini-studio/config";
import { serviceAvailable, testServices } from "@mini-studio/config/testing";
import { Redis, type RedisOptions } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createRateLimiterFromConfig } from "./index";
import { createRedisRateLimiter } from "./redis";
import { rulesFromConfig, type RateLimiter, type RateLimitRule } from "./types";
import { createUpstashAdapter } from "./upstash-adapter";

const redisUp = await serviceAvailable("redis");
const url = testServices().redisUrl;
// Nothing listens on port 1: connections are refused at once.
const DEAD_URL = "redis://127.0.0.1:1";

/** Proves a call went to Redis: any use of the fallback fails the test. */
const noFallback: RateLimiter = {
  backend: "memory",
  consume: () => Promise.reject(new Error("fallback used")),
  peek: () => Promise.reject(new Error("fallback used")),
  reset: async () => undefined,
  close: async () => undefined,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The library's sliding window weighs the previous fixed window, so a burst that
 * straddles a window edge is not comparable to one inside a window: start well inside one.
 */
async function awayFromWindowEdge(windowSec: number, marginMs = 10_000): Promise<void> {
  const left = windowSec * 1000 - (Date.now() % (windowSec * 1000));
  if (left < marginMs) await sleep(left + 50);
}

const fakeLog = () => ({ warn: vi.fn() });

describe.skipIf(!redisUp)("redis rate limiter", () => {
  const clients: Redis[] = [];
  let admin: Redis;
  let prefix: string;
  let patterns: string[];

  // Built as getRateLimiter builds it: one connection per app instance.
  function connection(target = url, extra: RedisOptions = {}): Redis {
    const redis = new Redis(target, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      lazyConnect: true,
      ...extra,
    });
    redis.on("error", () => undefined);
    clients.push(redis);
    return redis;
  }

  beforeEach(() => {
    // Unique per test, so that parallel runs sharing this Redis never collide.
    prefix = `ms:rl:test:${randomUUID()}`;
    patterns = [`${prefix}:*`];
    admin = connection(url, { lazyConnect: false, enableOfflineQueue: true });
  });

  afterEach(async () => {
    vi.useRealTimers();
    const keys: string[] = [];
    for (const pattern of patterns) {
      let cursor = "0";
      do {
        const [next, batch] = await admin.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
    }
    if (keys.length > 0) await admin.del(...keys);
    for (const client of clients.splice(0)) client.disconnect();
  });

  it("two app instances on separate connections share one exact limit", async () => {
    const { lyrics } = rulesFromConfig(parseConfig({}));
    expect(lyrics).toMatchObject({ limit: 30, windowSec: 60 });
    const a = createRedisRateLimiter({ redis: connection(), prefix, fallback: noFallback });
    const b = createRedisRateLimiter({ redis: connection(), prefix, fallback: noFallback });
    await awayFromWindowEdge(lyrics.windowSec);

    const decisions = await Promise.all(
      Array.from({ length: 31 }, (_, i) => (i % 2 === 0 ? a : b).consume(lyrics, "user:42")),
    );

    expect(decisions.filter((d) => d.allowed)).toHaveLength(30);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.remaining).toBe(0);
    expect(refused[0]?.resetSec).toBeGreaterThanOrEqual(1);
    expect(refused[0]?.resetSec).toBeLessThanOrEqual(60);
    expect(new Set(decisions.filter((d) => d.allowed).map((d) => d.remaining)).size).toBe(30);
    // The other instance sees the same count.
    expect((await a.consume(lyrics, "user:42")).allowed).toBe(false);
    expect((await b.peek(lyrics, "user:42")).allowed).toBe(false);
    expect(await admin.keys(`${prefix}:lyrics:*`)).toHaveLength(1);
    expect(a.backend).toBe("redis");
  });

  it("peek does not count and reset forgets", async () => {
    const rule: RateLimitRule = { name: "login-account", limit: 3, windowSec: 60 };
    const rl = createRedisRateLimiter({ redis: connection(), prefix, fallback: noFallback });
    await awayFromWindowEdge(rule.windowSec);
    for (let i = 0; i < 5; i++) expect(await rl.peek(rule, "acct:1")).toMatchObject({ allowed: true, remaining: 3 });
    expect(await rl.consume(rule, "acct:1")).toMatchObject({ allowed: true, remaining: 2 });
    expect(await rl.peek(rule, "acct:1")).toMatchObject({ allowed: true, remaining: 2 });
    await rl.consume(rule, "acct:1");
    await rl.consume(rule, "acct:1");
    const refused = await rl.peek(rule, "acct:1");
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSec).toBeGreaterThanOrEqual(1);
    await rl.reset(rule, "acct:1");
    expect(await rl.consume(rule, "acct:1")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("resets one key only, whatever characters keys contain", async () => {
    const rule: RateLimitRule = { name: "login-ip", limit: 1, windowSec: 60 };
    const rl = createRedisRateLimiter({ redis: connection(), prefix, fallback: noFallback });
    await awayFromWindowEdge(rule.windowSec);
    const keys = ["ip:2001:db8::1", "ip:2001:db8::1:5", "ip:[::1]", "ip:*"];
    for (const key of keys) await rl.consume(rule, key);
    for (const key of keys) expect((await rl.peek(rule, key)).allowed).toBe(false);

    await rl.reset(rule, "ip:2001:db8::1");
    await rl.reset(rule, "ip:[::1]");
    expect((await rl.peek(rule, "ip:2001:db8::1")).allowed).toBe(true);
    expect((await rl.peek(rule, "ip:[::1]")).allowed).toBe(true);
    expect((await rl.peek(rule, "ip:2001:db8::1:5")).allowed).toBe(false);
    expect((await rl.peek(rule, "ip:*")).allowed).toBe(false);
  });

  it("keeps rules apart", async () => {
    const one: RateLimitRule = { name: "uploads", limit: 1, windowSec: 60 };
    const two: RateLimitRule = { name: "default", limit: 1, windowSec: 60 };
    const rl = createRedisRateLimiter({ redis: connection(), prefix, fallback: noFallback });
    await awayFromWindowEdge(60);
    expect((await rl.consume(one, "user:1")).allowed).toBe(true);
    expect((await rl.consume(one, "user:1")).allowed).toBe(false);
    expect((await rl.consume(two, "user:1")).allowed).toBe(true);
  });

  it("runs the library's scripts on this Redis once their shebang is stripped", async () => {
    const redis = connection(url, { lazyConnect: false, enableOfflineQueue: true });
    const script = "#!lua flags=allow-key-locking\nreturn ARGV[1] + 1";
    // What the adapter works around: this Redis (7.0) rejects the flag.
    const { version } = await redis.info("server").then((info) => ({ version: /redis_version:(\S+)/.exec(info)?.[1] }));
    if (version?.startsWith("7.0")) await expect(redis.eval(script, 0, 41)).rejects.toThrow(/flag/i);

    const adapter = createUpstashAdapter(redis);
    const libraryHash = createHash("sha1").update(script).digest("hex");
    await expect(adapter.evalsha(libraryHash, [], [41])).rejects.toThrow(/NOSCRIPT/);
    expect(await adapter.eval(script, [], [41])).toBe(42);
    expect(await adapter.evalsha(libraryHash, [], [1])).toBe(2);
    // After a flush Redis itself answers NOSCRIPT, which sends the library back to eval().
    await admin.script("FLUSH");
    await expect(adapter.evalsha(libraryHash, [], [1])).rejects.toThrow(/NOSCRIPT/);
  });

  it("keeps counting through SCRIPT FLUSH", async () => {
    const rule: RateLimitRule = { name: "lyrics", limit: 5, windowSec: 60 };
    const rl = createRedisRateLimiter({ redis: connection(), prefix, fallback: noFallback });
    await awayFromWindowEdge(rule.windowSec);
    expect(await rl.consume(rule, "user:1")).toMatchObject({ allowed: true, remaining: 4 });
    expect(await rl.consume(rule, "user:1")).toMatchObject({ allowed: true, remaining: 3 });
    await admin.script("FLUSH");
    expect(await rl.consume(rule, "user:1")).toMatchObject({ allowed: true, remaining: 2 });
    await admin.script("FLUSH");
    expect(await rl.peek(rule, "user:1")).toMatchObject({ allowed: true, remaining: 2 });
    await admin.script("FLUSH");
    await rl.reset(rule, "user:1");
    expect(await rl.peek(rule, "user:1")).toMatchObject({ allowed: true, remaining: 5 });
  });

  it("falls back to memory when Redis is unreachable, still enforces, and warns once per 30 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const log = fakeLog();
    const rule: RateLimitRule = { name: "lyrics", limit: 3, windowSec: 60 };
    const rl = createRedisRateLimiter({ redis: connection(DEAD_URL), prefix, log });

    const allowed = [];
    for (let i = 0; i < 5; i++) allowed.push((await rl.consume(rule, "user:1")).allowed);
    expect(allowed).toEqual([true, true, true, false, false]);
    expect(await rl.peek(rule, "user:1")).toMatchObject({ allowed: false, remaining: 0 });
    await rl.reset(rule, "user:1");
    expect(await rl.consume(rule, "user:1")).toMatchObject({ allowed: true, remaining: 2 });
    expect(log.warn).toHaveBeenCalledTimes(1);

    vi.setSystemTime(Date.now() + 30_000);
    await rl.consume(rule, "user:2");
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn.mock.calls[1]?.[0]).toMatchObject({ suppressed: 7 });
    await rl.close();
  });

  it("builds from config: Redis-backed when REDIS_URL is set", async () => {
    const config = parseConfig({ REDIS_URL: url });
    const rl = createRateLimiterFromConfig(config, { log: fakeLog() });
    expect(rl.backend).toBe("redis");
    // getRateLimiter's limiter uses the production prefix; a unique rule name keeps this test's keys apart.
    const rule: RateLimitRule = { name: `test-${randomUUID()}`, limit: 2, windowSec: 60 };
    patterns.push(`ms:rl:${rule.name}:*`);
    await awayFromWindowEdge(rule.windowSec);
    expect(await rl.consume(rule, "k")).toMatchObject({ allowed: true, remaining: 1 });
    expect(await admin.keys(`ms:rl:${rule.name}:*`)).toHaveLength(1);
    await rl.close();
  });

  it("builds from config: an unreachable REDIS_URL still serves, with throttled logs", async () => {
    const log = fakeLog();
    const rl = createRateLimiterFromConfig(parseConfig({ REDIS_URL: DEAD_URL }), { log });
    const rule: RateLimitRule = { name: "default", limit: 1, windowSec: 60 };
    expect((await rl.consume(rule, "k")).allowed).toBe(true);
    expect((await rl.consume(rule, "k")).allowed).toBe(false);
    await sleep(300); // reconnect attempts emit errors
    // One line for the failed call, one for the connection errors.
    expect(log.warn).toHaveBeenCalledTimes(2);
    await rl.close();
  });
});
