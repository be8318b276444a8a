import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDb } from "./client";
import { Prisma, type PrismaClient } from "./generated/prisma/client";
import { createTestDb, createTestPglite, dbKinds, type TestDb } from "./testing";

const kinds = await dbKinds();

// A minimal reservation, to prove the database side of "a balance never goes
// below zero under concurrency". The credit service (packages/api) owns the
// real one; this stays here until then.
async function reserveOne(prisma: PrismaClient, userId: string): Promise<boolean> {
  return prisma.$transaction(
    async (tx) => {
      // Serialises reservations per user: the row lock is held until commit.
      await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
      const { _sum } = await tx.creditLedger.aggregate({ where: { userId }, _sum: { delta: true } });
      if ((_sum.delta ?? 0) < 1) return false;
      await tx.creditLedger.create({ data: { userId, delta: -1, kind: "RESERVE", reason: "test" } });
      return true;
    },
    { maxWait: 60_000, timeout: 60_000 },
  );
}

describe.each(kinds)("Prisma client on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reports its kind", () => {
    expect(db.kind).toBe(kind);
    if (kind === "postgres") expect(db.url).toMatch(/\/ms_test_[0-9a-f]{12}$/);
  });

  it("creates and reads users, ledger rows, enums, JSON and arrays", async () => {
    const { prisma } = db;
    const user = await prisma.user.create({
      data: { email: "crud@example.com", passwordHash: "hash", name: "Ada", role: "ADMIN" },
    });
    expect(user).toMatchObject({ email: "crud@example.com", role: "ADMIN", name: "Ada" });
    expect(user.id).toMatch(/^c[a-z0-9]{20,}$/);
    expect(user.createdAt).toBeInstanceOf(Date);

    await prisma.creditLedger.createMany({
      data: [
        { userId: user.id, delta: 10, kind: "TRIAL", reason: "signup" },
        { userId: user.id, delta: 5, kind: "GRANT" },
      ],
    });
    const sum = await prisma.creditLedger.aggregate({ where: { userId: user.id }, _sum: { delta: true } });
    expect(sum._sum.delta).toBe(15);

    const asset = await prisma.asset.create({
      data: {
        userId: user.id,
        kind: "AUDIO",
        source: "UPLOADED",
        name: "take 1.wav",
        storageKey: "uploads/audio/take1.wav",
        mimeType: "audio/wav",
        sizeBytes: 1234,
        metadata: { sampleRate: 44100, channels: 2, peaks: [0.1, 0.5], nested: { ok: true } },
        tags: ["vocal", "draft"],
      },
    });
    const read = await prisma.asset.findUniqueOrThrow({ where: { storageKey: "uploads/audio/take1.wav" } });
    expect(read.metadata).toEqual({ sampleRate: 44100, channels: 2, peaks: [0.1, 0.5], nested: { ok: true } });
    expect(read.tags).toEqual(["vocal", "draft"]);
    expect(read.kind).toBe("AUDIO");

    const byTag = await prisma.asset.findMany({ where: { userId: user.id, tags: { has: "vocal" } } });
    expect(byTag.map((a) => a.id)).toEqual([asset.id]);
    const byJson = await prisma.asset.findMany({ where: { metadata: { path: ["sampleRate"], equals: 44100 } } });
    expect(byJson.map((a) => a.id)).toEqual([asset.id]);

    const job = await prisma.job.create({
      data: { userId: user.id, type: "EFFECTS", payload: { effects: [{ type: "gain", db: -3 }] }, creditsReserved: 1 },
    });
    expect(job).toMatchObject({ status: "QUEUED", progress: 0, attempts: 0, result: null });
    const moved = await prisma.job.updateMany({
      where: { id: job.id, status: "QUEUED" },
      data: { status: "STARTED", startedAt: new Date(), attempts: { increment: 1 } },
    });
    expect(moved.count).toBe(1);
    const again = await prisma.job.updateMany({ where: { id: job.id, status: "QUEUED" }, data: { status: "STARTED" } });
    expect(again.count).toBe(0);

    // Deleting the user cascades to everything it owns.
    await prisma.user.delete({ where: { id: user.id } });
    expect(await prisma.creditLedger.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.asset.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.job.count({ where: { userId: user.id } })).toBe(0);
  });

  it("rejects a second ledger row of the same kind for one job", async () => {
    const { prisma } = db;
    const user = await prisma.user.create({ data: { email: "idem@example.com", passwordHash: "x" } });
    const job = await prisma.job.create({ data: { userId: user.id, type: "VOCALS", payload: {} } });
    await prisma.creditLedger.create({ data: { userId: user.id, jobId: job.id, delta: -2, kind: "RESERVE" } });
    const dup = prisma.creditLedger.create({ data: { userId: user.id, jobId: job.id, delta: -2, kind: "RESERVE" } });
    await expect(dup).rejects.toMatchObject({ code: "P2002" });
    // Other kinds for the same job, and job-less rows of one kind, are fine.
    await prisma.creditLedger.create({ data: { userId: user.id, jobId: job.id, delta: 2, kind: "REFUND" } });
    await prisma.creditLedger.createMany({
      data: [
        { userId: user.id, delta: 1, kind: "GRANT" },
        { userId: user.id, delta: 1, kind: "GRANT" },
      ],
    });
  });

  it("rolls back an interactive transaction that throws", async () => {
    const { prisma } = db;
    const email = "tx@example.com";
    await expect(
      prisma.$transaction(async (tx) => {
        const u = await tx.user.create({ data: { email, passwordHash: "x" } });
        await tx.creditLedger.create({ data: { userId: u.id, delta: 10, kind: "TRIAL" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await prisma.user.findUnique({ where: { email } })).toBeNull();

    const committed = await prisma.$transaction(async (tx) => {
      const u = await tx.user.create({ data: { email, passwordHash: "x" } });
      await tx.creditLedger.create({ data: { userId: u.id, delta: 10, kind: "TRIAL" } });
      return u;
    });
    expect(await prisma.creditLedger.count({ where: { userId: committed.id } })).toBe(1);
  });

  it("gives exactly 10 of 100 concurrent 1-credit reservations against a balance of 10", async () => {
    const { prisma } = db;
    const user = await prisma.user.create({ data: { email: "race@example.com", passwordHash: "x" } });
    await prisma.creditLedger.create({ data: { userId: user.id, delta: 10, kind: "TRIAL" } });

    const results = await Promise.all(Array.from({ length: 100 }, () => reserveOne(prisma, user.id)));

    expect(results.filter(Boolean)).toHaveLength(10);
    const { _sum } = await prisma.creditLedger.aggregate({ where: { userId: user.id }, _sum: { delta: true } });
    expect(_sum.delta).toBe(0);
  });

  it("maps unique violations to Prisma's known request error", async () => {
    const { prisma } = db;
    await prisma.user.create({ data: { email: "dupe@example.com", passwordHash: "x" } });
    const err = await prisma.user.create({ data: { email: "dupe@example.com", passwordHash: "x" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(err).toMatchObject({ code: "P2002" });
  });
});

describe("createDb with a caller-owned PGlite", () => {
  it("migrates it and leaves it open on close()", async () => {
    const pglite = await createTestPglite({ migrate: false });
    try {
      const db = await createDb({ pglite });
      expect(db.kind).toBe("pglite");
      expect(await db.prisma.user.count()).toBe(0);
      await db.close();
      expect(pglite.closed).toBe(false);
      const { rows } = await pglite.query<{ n: number }>("SELECT count(*)::int AS n FROM _prisma_migrations");
      expect(rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await pglite.close();
    }
  });
});
