import type { Config } from "@mini-studio/config";
import type { Db, DbClient } from "@mini-studio/db";
import { z } from "zod";
import { AppError } from "../errors";

/**
 * The credit ledger is the single source of truth: a balance is SUM(delta) over a user's rows.
 * A job's credits go RESERVE (at acceptance) -> SETTLE (success) or REFUND (failure, cancel).
 * Each step is written at most once per job (unique jobId+kind), and every write that depends on
 * the balance or on a job's earlier steps runs with the user's row locked, so concurrent requests
 * and a queue delivering a job twice can never overspend or double-charge.
 */

// 100 callers queueing on one user's lock need more than Prisma's 2 s / 5 s defaults.
const TX = { maxWait: 30_000, timeout: 30_000 } as const;

export async function getBalance(db: DbClient, userId: string): Promise<number> {
  const { _sum } = await db.creditLedger.aggregate({ where: { userId }, _sum: { delta: true } });
  return _sum.delta ?? 0;
}

async function lockUser(tx: DbClient, userId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
  if (rows.length === 0) throw new AppError("NOT_FOUND", "No such user.");
}

/** Credits for vocals: per started 10 s of audio. */
export function vocalsPrice(config: Config, seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 10)) * config.prices.vocalsPer10s;
}

export type Reservation = { jobId: string; amount: number; balance: number };

/**
 * Holds `amount` credits for a job. Idempotent by job id: a second call returns the first
 * reservation. Refused with INSUFFICIENT_CREDITS when the balance would go below zero.
 */
export async function reserveCredits(db: Db, input: { userId: string; jobId: string; amount: number }): Promise<Reservation> {
  if (!Number.isInteger(input.amount) || input.amount < 0) {
    throw new AppError("VALIDATION_ERROR", "A reservation is a whole, non-negative number of credits.");
  }
  return db.prisma.$transaction(async (tx) => {
    await lockUser(tx, input.userId);
    const existing = await tx.creditLedger.findUnique({
      where: { jobId_kind: { jobId: input.jobId, kind: "RESERVE" } },
      select: { delta: true, userId: true },
    });
    if (existing) {
      if (existing.userId !== input.userId) throw new AppError("CONFLICT", "This job belongs to someone else.");
      return { jobId: input.jobId, amount: -existing.delta, balance: await getBalance(tx, input.userId) };
    }
    const balance = await getBalance(tx, input.userId);
    if (balance < input.amount) {
      throw new AppError("INSUFFICIENT_CREDITS", `This needs ${input.amount} credits and you have ${balance}.`, {
        details: { required: input.amount, balance },
      });
    }
    await tx.creditLedger.create({
      data: { userId: input.userId, jobId: input.jobId, kind: "RESERVE", delta: -input.amount },
    });
    return { jobId: input.jobId, amount: input.amount, balance: balance - input.amount };
  }, TX);
}

export type Outcome = "settled" | "refunded" | "already-settled" | "already-refunded" | "nothing-reserved";

/**
 * Finalises a job's reservation. `cost` (at most the reserved amount) charges less than was held,
 * returning the difference. Once a job is settled or refunded, both calls change nothing.
 */
export async function settleCredits(db: Db, input: { jobId: string; cost?: number }): Promise<Outcome> {
  return finish(db, input.jobId, "SETTLE", (reserved) => {
    const cost = input.cost ?? reserved;
    if (!Number.isInteger(cost) || cost < 0 || cost > reserved) {
      throw new AppError("VALIDATION_ERROR", `A settled cost must be a whole number from 0 to ${reserved}.`);
    }
    return reserved - cost;
  });
}

/** Gives a job's reserved credits back (failure or cancel). Idempotent, and a no-op once settled. */
export async function refundCredits(db: Db, input: { jobId: string }): Promise<Outcome> {
  return finish(db, input.jobId, "REFUND", (reserved) => reserved);
}

async function finish(db: Db, jobId: string, kind: "SETTLE" | "REFUND", delta: (reserved: number) => number): Promise<Outcome> {
  const reserve = await db.prisma.creditLedger.findUnique({
    where: { jobId_kind: { jobId, kind: "RESERVE" } },
    select: { userId: true, delta: true },
  });
  if (!reserve) return "nothing-reserved";
  return db.prisma.$transaction(async (tx) => {
    await lockUser(tx, reserve.userId);
    const done = await tx.creditLedger.findFirst({
      where: { jobId, kind: { in: ["SETTLE", "REFUND"] } },
      select: { kind: true },
    });
    if (done) return done.kind === "SETTLE" ? "already-settled" : "already-refunded";
    await tx.creditLedger.create({ data: { userId: reserve.userId, jobId, kind, delta: delta(-reserve.delta) } });
    return kind === "SETTLE" ? "settled" : "refunded";
  }, TX);
}

/** Adds credits outside any job: the trial at signup, or an admin's grant. */
export async function grantCredits(
  db: DbClient,
  input: { userId: string; amount: number; kind: "TRIAL" | "GRANT"; reason?: string },
): Promise<void> {
  await db.creditLedger.create({
    data: { userId: input.userId, delta: input.amount, kind: input.kind, reason: input.reason ?? null },
  });
}

export const ZHistoryInputSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(64).optional(),
});

export const ZLedgerEntrySchema = z.object({
  id: z.string(),
  delta: z.number().int(),
  kind: z.enum(["GRANT", "TRIAL", "RESERVE", "SETTLE", "REFUND", "ADJUST"]),
  jobId: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.date(),
});

export const ZHistorySchema = z.object({ items: z.array(ZLedgerEntrySchema), nextCursor: z.string().nullable() });

/** The caller's ledger, newest first, a page at a time. */
export async function creditHistory(
  db: Db,
  userId: string,
  input: z.infer<typeof ZHistoryInputSchema>,
): Promise<z.infer<typeof ZHistorySchema>> {
  if (input.cursor) {
    const own = await db.prisma.creditLedger.count({ where: { id: input.cursor, userId } });
    if (own === 0) throw new AppError("VALIDATION_ERROR", "Unknown cursor.");
  }
  const rows = await db.prisma.creditLedger.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: { id: true, delta: true, kind: true, jobId: true, reason: true, createdAt: true },
  });
  const page = rows.slice(0, input.limit);
  return { items: page, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}
