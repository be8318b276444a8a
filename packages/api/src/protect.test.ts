import { createTestDb, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "./rate-limit";
import { browser, PASSWORD, testConfig } from "./test-support";

describe("rate limits over tRPC", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb("pglite");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses the call past the budget with RATE_LIMITED and the RateLimit headers", async () => {
    const config = testConfig({ RATE_LIMIT_PER_MIN: "3" });
    const b = browser(db, { config, rateLimiter: createMemoryRateLimiter() });
    await b.run((c) => c.auth.signup({ email: "busy@example.com", password: PASSWORD }));
    // Signing up spent the address's budget; from here on the user's own budget counts.
    await b.run((c) => c.credits.balance());
    expect(b.lastHeaders().get("ratelimit")).toMatch(/^"default";r=2;t=\d+$/);
    await b.run((c) => c.credits.balance());
    await b.run((c) => c.credits.balance());
    const refused = b.run((c) => c.credits.balance());
    await expect(refused).rejects.toMatchObject({ cause: { code: "RATE_LIMITED", details: { limit: 3 } } });
    expect(b.lastHeaders().get("ratelimit-policy")).toBe('"default";q=3;w=60');
    expect(Number(b.lastHeaders().get("retry-after"))).toBeGreaterThan(0);
  });

  it("keys the budget per user, so one user's burst leaves another's alone", async () => {
    const config = testConfig({ RATE_LIMIT_PER_MIN: "2" });
    const rateLimiter = createMemoryRateLimiter();
    // Both behind the same address (an office NAT): only the user id separates them once signed in.
    const [one, two] = [browser(db, { config, rateLimiter, ip: "192.0.2.1" }), browser(db, { config, rateLimiter, ip: "192.0.2.1" })];
    await one.run((c) => c.auth.signup({ email: "one@example.com", password: PASSWORD }));
    await two.run((c) => c.auth.signup({ email: "two@example.com", password: PASSWORD }));
    await one.run((c) => c.credits.balance());
    await one.run((c) => c.credits.balance());
    await expect(one.run((c) => c.credits.balance())).rejects.toMatchObject({ cause: { code: "RATE_LIMITED" } });
    await expect(two.run((c) => c.credits.balance())).resolves.toEqual({ balance: 50 });
  });

  it("never limits health checks, and RATE_LIMIT_ENABLED=0 turns limits off", async () => {
    const tight = browser(db, { config: testConfig({ RATE_LIMIT_PER_MIN: "1" }) });
    for (let i = 0; i < 5; i++) await tight.run((c) => c.health.get());
    const off = browser(db, { config: testConfig({ RATE_LIMIT_PER_MIN: "1", RATE_LIMIT_ENABLED: "0" }) });
    await off.run((c) => c.auth.signup({ email: "free@example.com", password: PASSWORD }));
    for (let i = 0; i < 5; i++) await off.run((c) => c.credits.balance());
    expect(off.lastHeaders().get("ratelimit")).toBeNull();
  });
});
