import { describe, expect, it } from "vitest";

import { createMemoryRateLimiter } from "./memory";
import type { RateLimitRule } from "./types";

const rule: RateLimitRule = { name: "test", limit: 3, windowSec: 10 };

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("memory rate limiter", () => {
  it("allows exactly `limit` requests, then refuses", async () => {
    const c = clock();
    const rl = createMemoryRateLimiter({ now: c.now });
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await rl.consume(rule, "user:1"));
    expect(got.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(got[3]?.resetSec).toBe(10);
    expect(rl.backend).toBe("memory");
  });

  it("slides: capacity frees as each old hit leaves the window", async () => {
    const c = clock();
    const rl = createMemoryRateLimiter({ now: c.now });
    await rl.consume(rule, "k"); // t=0
    c.advance(4000);
    await rl.consume(rule, "k"); // t=4
    c.advance(2000);
    await rl.consume(rule, "k"); // t=6
    c.advance(1500); // t=7.5: the t=0 hit frees at 10
    expect(await rl.consume(rule, "k")).toMatchObject({ allowed: false, remaining: 0, resetSec: 3 });
    c.advance(2499); // t=9.999
    expect(await rl.consume(rule, "k")).toMatchObject({ allowed: false, resetSec: 1 });
    c.advance(1); // t=10: exactly one slot back
    expect(await rl.consume(rule, "k")).toMatchObject({ allowed: true, remaining: 0, resetSec: 4 });
    expect(await rl.consume(rule, "k")).toMatchObject({ allowed: false, resetSec: 4 });
    c.advance(4000); // t=14: the t=4 hit is gone
    expect(await rl.peek(rule, "k")).toMatchObject({ allowed: true, remaining: 1, resetSec: 2 });
  });

  it("refused requests are not counted", async () => {
    const c = clock();
    const rl = createMemoryRateLimiter({ now: c.now });
    for (let i = 0; i < 3; i++) await rl.consume(rule, "k");
    for (let i = 0; i < 10; i++) await rl.consume(rule, "k");
    c.advance(10_000);
    expect(await rl.peek(rule, "k")).toMatchObject({ allowed: true, remaining: 3, resetSec: 0 });
  });

  it("peek does not count", async () => {
    const rl = createMemoryRateLimiter({ now: clock().now });
    for (let i = 0; i < 5; i++) expect(await rl.peek(rule, "k")).toMatchObject({ allowed: true, remaining: 3 });
    await rl.consume(rule, "k");
    await rl.consume(rule, "k");
    expect(await rl.peek(rule, "k")).toMatchObject({ allowed: true, remaining: 1 });
    await rl.consume(rule, "k");
    expect(await rl.peek(rule, "k")).toMatchObject({ allowed: false, remaining: 0, resetSec: 10 });
  });

  it("reset forgets the key", async () => {
    const rl = createMemoryRateLimiter({ now: clock().now });
    for (let i = 0; i < 3; i++) await rl.consume(rule, "k");
    expect((await rl.consume(rule, "k")).allowed).toBe(false);
    await rl.reset(rule, "k");
    expect(await rl.consume(rule, "k")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("keeps keys and rules apart", async () => {
    const rl = createMemoryRateLimiter({ now: clock().now });
    const other: RateLimitRule = { name: "other", limit: 3, windowSec: 10 };
    for (let i = 0; i < 3; i++) await rl.consume(rule, "user:1");
    expect((await rl.consume(rule, "user:1")).allowed).toBe(false);
    expect(await rl.consume(rule, "user:2")).toMatchObject({ allowed: true, remaining: 2 });
    expect(await rl.consume(other, "user:1")).toMatchObject({ allowed: true, remaining: 2 });
    await rl.reset(other, "user:1");
    expect((await rl.peek(rule, "user:1")).allowed).toBe(false);
  });

  it("holds a large limit exactly (the log grows on demand)", async () => {
    const rl = createMemoryRateLimiter({ now: clock().now });
    const big: RateLimitRule = { name: "big", limit: 1000, windowSec: 60 };
    let allowed = 0;
    for (let i = 0; i < 1100; i++) if ((await rl.consume(big, "k")).allowed) allowed++;
    expect(allowed).toBe(1000);
  });

  it("drops keys whose newest hit has left the window", async () => {
    const c = clock();
    const rl = createMemoryRateLimiter({ now: c.now });
    const long: RateLimitRule = { name: "long", limit: 5, windowSec: 900 };
    for (let i = 0; i < 1000; i++) await rl.consume(rule, `ip:${i}`);
    await rl.consume(long, "user:1");
    expect(rl.size()).toBe(1001);
    c.advance(5000);
    await rl.consume(rule, "ip:fresh");
    expect(rl.size()).toBe(1002);
    c.advance(5000); // the 1000 keys are 10 s old now
    await rl.peek(rule, "ip:other");
    // Only the fresh key and the 900 s rule's key are left.
    expect(rl.size()).toBe(2);
    c.advance(900_000);
    await rl.peek(rule, "x");
    expect(rl.size()).toBe(0);
  });
});
