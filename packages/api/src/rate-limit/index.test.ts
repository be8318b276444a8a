import { parseConfig } from "@mini-studio/config";
import { describe, expect, it } from "vitest";

import { createRateLimiterFromConfig, getRateLimiter, rulesFromConfig } from "./index";

describe("rate limiter from config", () => {
  it("derives the rules", () => {
    const rules = rulesFromConfig(
      parseConfig({ RATE_LIMIT_PER_MIN: "61", RATE_LIMIT_LYRICS_PER_MIN: "31", RATE_LIMIT_UPLOADS_PER_MIN: "21" }),
    );
    expect(rules).toEqual({
      default: { name: "default", limit: 61, windowSec: 60 },
      lyrics: { name: "lyrics", limit: 31, windowSec: 60 },
      uploads: { name: "uploads", limit: 21, windowSec: 60 },
      loginAccount: { name: "login-account", limit: 10, windowSec: 900 },
      loginIp: { name: "login-ip", limit: 50, windowSec: 900 },
    });
  });

  it("is disabled when RATE_LIMIT_ENABLED is off, in-process without REDIS_URL", async () => {
    const disabled = createRateLimiterFromConfig(parseConfig({ RATE_LIMIT_ENABLED: "false" }));
    expect(disabled.backend).toBe("disabled");
    const rule = { name: "r", limit: 1, windowSec: 60 };
    for (let i = 0; i < 3; i++) expect(await disabled.consume(rule, "k")).toMatchObject({ allowed: true, remaining: 1, resetSec: 0 });

    const memory = createRateLimiterFromConfig(parseConfig({}));
    expect(memory.backend).toBe("memory");
    expect((await memory.consume(rule, "k")).allowed).toBe(true);
    expect((await memory.consume(rule, "k")).allowed).toBe(false);
    await memory.close();
  });

  it("keeps one process-wide limiter until it is closed", async () => {
    const first = getRateLimiter();
    expect(getRateLimiter()).toBe(first);
    await first.close();
    const second = getRateLimiter();
    expect(second).not.toBe(first);
    await second.close();
  });
});
