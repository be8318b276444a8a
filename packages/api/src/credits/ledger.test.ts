import type { Db } from "@mini-studio/db";
import { createTestDb, dbKinds, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browser, PASSWORD, testConfig } from "../test-support";
import { getBalance, grantCredits, refundCredits, reserveCredits, settleCredits, vocalsPrice } from "./ledger";

async function userWith(db: Db, email: string, credits: number): Promise<string> {
  const user = await db.prisma.user.create({ data: { email, passwordHash: "x" } });
  if (credits) await grantCredits(db.prisma, { userId: user.id, amount: credits, kind: "GRANT" });
  return user.id;
}

async function newJob(db: Db, userId: string): Promise<string> {
  const job = await db.prisma.job.create({ data: { userId, type: "EFFECTS", payload: {} } });
  return job.id;
}

describe.each(await dbKinds())("credit ledger on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("admits exactly 10 of 100 concurrent 1-credit reservations against a balance of 10", async () => {
    const userId = await userWith(db, "crowd@example.com", 10);
    const jobs = await Promise.all(Array.from({ length: 100 }, () => newJob(db, userId)));
    const results = await Promise.allSettled(jobs.map((jobId) => reserveCredits(db, { userId, jobId, amount: 1 })));
    const admitted = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(90);
    for (const r of refused) expect(r.reason).toMatchObject({ code: "INSUFFICIENT_CREDITS" });
    expect(await getBalance(db.prisma, userId)).toBe(0);
  });

  it("charges a job once even when it is reserved, settled or refunded twice", async () => {
    const userId = await userWith(db, "twice@example.com", 10);
    const settled = await newJob(db, userId);
    const refunded = await newJob(db, userId);

    expect(await reserveCredits(db, { userId, jobId: settled, amount: 3 })).toMatchObject({ amount: 3, balance: 7 });
    expect(await reserveCredits(db, { userId, jobId: settled, amount: 3 })).toMatchObject({ amount: 3, balance: 7 });
    await reserveCredits(db, { userId, jobId: refunded, amount: 4 });
    expect(await getBalance(db.prisma, userId)).toBe(3);

    expect(await Promise.all([settleCredits(db, { jobId: settled }), settleCredits(db, { jobId: settled })])).toEqual(
      expect.arrayContaining(["settled", "already-settled"]),
    );
    expect(await refundCredits(db, { jobId: settled })).toBe("already-settled");
    expect(await getBalance(db.prisma, userId)).toBe(3);

    expect(await Promise.all([refundCredits(db, { jobId: refunded }), refundCredits(db, { jobId: refunded })])).toEqual(
      expect.arrayContaining(["refunded", "already-refunded"]),
    );
    expect(await settleCredits(db, { jobId: refunded })).toBe("already-refunded");
    expect(await getBalance(db.prisma, userId)).toBe(7);
  });

  it("settles for less than was held and returns the difference", async () => {
    const userId = await userWith(db, "partial@example.com", 10);
    const jobId = await newJob(db, userId);
    await reserveCredits(db, { userId, jobId, amount: 6 });
    await expect(settleCredits(db, { jobId, cost: 7 })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await settleCredits(db, { jobId, cost: 2 })).toBe("settled");
    expect(await getBalance(db.prisma, userId)).toBe(8);
  });

  it("refuses a reservation it can't cover and leaves the balance untouched", async () => {
    const userId = await userWith(db, "poor@example.com", 2);
    const jobId = await newJob(db, userId);
    await expect(reserveCredits(db, { userId, jobId, amount: 3 })).rejects.toMatchObject({
      code: "INSUFFICIENT_CREDITS",
      details: { required: 3, balance: 2 },
    });
    expect(await getBalance(db.prisma, userId)).toBe(2);
    expect(await settleCredits(db, { jobId })).toBe("nothing-reserved");
  });

  it("pages through the history newest first without gaps or repeats", async () => {
    const b = browser(db);
    const { user } = await b.run((c) => c.auth.signup({ email: "historian@example.com", password: PASSWORD }));
    for (let i = 1; i <= 6; i++) await grantCredits(db.prisma, { userId: user.id, amount: i, kind: "GRANT", reason: `grant ${i}` });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await b.run((c) => c.credits.history({ limit: 3, ...(cursor ? { cursor } : {}) }));
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.reason ?? e.kind));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["grant 6", "grant 5", "grant 4", "grant 3", "grant 2", "grant 1", "Trial credits"]);
    expect((await b.run((c) => c.credits.balance())).balance).toBe(50 + 21);
    await expect(b.run((c) => c.credits.history({ limit: 1000 }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("prices", () => {
  it("charges vocals per started 10 seconds", () => {
    const config = testConfig({ PRICE_VOCALS_PER_10S: "2" });
    expect(vocalsPrice(config, 0.5)).toBe(2);
    expect(vocalsPrice(config, 10)).toBe(2);
    expect(vocalsPrice(config, 10.01)).toBe(4);
    expect(vocalsPrice(config, 95)).toBe(20);
  });
});
