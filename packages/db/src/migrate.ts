// Applies prisma/migrations/*/migration.sql in Prisma's way, without Prisma's
// native schema engine (it cannot be downloaded here). Bookkeeping uses
// Prisma's own `_prisma_migrations` table, checksum and advisory lock, so
// `prisma migrate deploy` agrees with this runner wherever the engine exists.
//
// Differences from the engine, on purpose: each migration runs in its own
// transaction, so a failing one leaves no partial schema behind; and a
// migration edited after it was applied is refused instead of warned about.
import { createHash, randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

import { findWorkspaceRoot } from "@mini-studio/config";

import type { SqlExecutor } from "./executor";

export type { SqlExecutor } from "./executor";
export { pgExecutor, pgliteExecutor } from "./executor";

/** The key Prisma's schema engine passes to pg_advisory_lock (postgres flavour). */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

const MIGRATIONS_TABLE = "_prisma_migrations";

// Prisma's DDL (schema-engine sql-schema-connector, postgres flavour), verbatim
// apart from IF NOT EXISTS.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export type MigrationErrorCode =
  /** An earlier attempt failed and was not resolved (Prisma P3009). */
  | "FAILED_MIGRATION_FOUND"
  /** A migration's SQL failed now; it was rolled back and recorded as failed (Prisma P3018). */
  | "MIGRATION_FAILED"
  /** An applied migration's file no longer matches its recorded checksum. */
  | "CHECKSUM_MISMATCH"
  /** migration_lock.toml names another provider (Prisma P3019). */
  | "PROVIDER_MISMATCH"
  /** Another runner held the advisory lock for longer than lockTimeoutMs. */
  | "LOCK_TIMEOUT"
  | "NOT_FOUND";

export class MigrationError extends Error {
  readonly code: MigrationErrorCode;
  readonly migration: string | undefined;

  constructor(code: MigrationErrorCode, message: string, migration?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
    this.code = code;
    this.migration = migration;
  }
}

export type MigrateOptions = {
  /** Default: `<workspace root>/prisma/migrations`. */
  migrationsDir?: string;
  /** How long to wait for another runner's lock. Default 120 s. */
  lockTimeoutMs?: number;
};

export type MigrateResult = { applied: string[]; skipped: string[] };

export type MigrationFile = { name: string; sql: string; checksum: string };

type MigrationRow = {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
  logs: string | null;
};

export function defaultMigrationsDir(): string {
  return join(findWorkspaceRoot(), "prisma", "migrations");
}

/** Prisma's checksum: sha256 of the migration.sql text, lower-case hex. */
export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

// As the engine's script_matches_checksum: line-ending agnostic (git may have
// converted them), and tolerant of the old non-zero-padded hex format.
function matchesChecksum(sql: string, recorded: string): boolean {
  const variants = [sql, sql.replaceAll("\r\n", "\n"), sql.replaceAll("\n", "\r\n")];
  return variants.some((v) => {
    const digest = createHash("sha256").update(v, "utf8").digest();
    const hex =
      recorded.length !== 0 && recorded.length !== 64
        ? Array.from(digest, (b) => b.toString(16)).join("")
        : digest.toString("hex");
    return hex === recorded;
  });
}

/** The migrations on disk, sorted by folder name as Prisma sorts them. */
export async function readMigrations(migrationsDir: string = defaultMigrationsDir()): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(/*turbopackIgnore: true*/ migrationsDir, { withFileTypes: true });
  } catch (err) {
    throw new MigrationError("NOT_FOUND", `Migrations folder not found: ${migrationsDir}`, undefined, { cause: err });
  }
  const lock = await readFile(join(migrationsDir, "migration_lock.toml"), "utf8").catch(() => undefined);
  const provider = lock?.match(/^\s*provider\s*=\s*"([^"]*)"/m)?.[1];
  if (provider !== undefined && provider !== "postgresql") {
    throw new MigrationError(
      "PROVIDER_MISMATCH",
      `migration_lock.toml says provider "${provider}", but this runner only applies postgresql migrations`,
    );
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const files: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(join(migrationsDir, name, "migration.sql"), "utf8").catch(() => undefined);
    if (sql === undefined) continue; // Prisma ignores folders without migration.sql too
    files.push({ name, sql, checksum: checksumOf(sql) });
  }
  return files;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function acquireLock(db: SqlExecutor, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 25;
  for (;;) {
    const [row] = await db.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY}) AS locked`,
    );
    if (row?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        "LOCK_TIMEOUT",
        `Timed out after ${timeoutMs} ms waiting for the migration lock (pg_advisory_lock ${PRISMA_ADVISORY_LOCK_KEY}); another migration runner is still working`,
      );
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 500);
  }
}

async function releaseLock(db: SqlExecutor): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK_KEY})`).catch(() => {
    // The session may be gone; Postgres releases session locks with it.
  });
}

// Advisory locks are re-entrant within one session, so callers sharing a
// session (one PGlite instance, one pg Client) are queued in-process first.
const sessionQueues = new WeakMap<object, Promise<unknown>>();

function serialise<T>(session: object, fn: () => Promise<T>): Promise<T> {
  const prev = sessionQueues.get(session) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  sessionQueues.set(
    session,
    run.catch(() => {}),
  );
  return run;
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : String(d);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${err.message}` : err.message;
}

/**
 * Applies every migration in `migrationsDir` that the database has not applied
 * yet, under Prisma's advisory lock. Safe to run from several processes at once.
 */
export async function migrate(db: SqlExecutor, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const files = await readMigrations(opts.migrationsDir ?? defaultMigrationsDir());
  return withLock(db, opts.lockTimeoutMs, () => applyPending(db, files));
}

function withLock<T>(db: SqlExecutor, timeoutMs = 120_000, fn: () => Promise<T>): Promise<T> {
  return serialise(db.session, async () => {
    await acquireLock(db, timeoutMs);
    try {
      return await fn();
    } finally {
      await releaseLock(db);
    }
  });
}

async function applyPending(db: SqlExecutor, files: MigrationFile[]): Promise<MigrateResult> {
  await db.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await db.query<MigrationRow>(
    `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs
       FROM ${MIGRATIONS_TABLE} ORDER BY started_at`,
  );

  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      "FAILED_MIGRATION_FOUND",
      `Migration ${failed.migration_name} failed (started at ${iso(failed.started_at)}); new migrations will not be applied ` +
        `until it is resolved. This runner applies each migration in a transaction, so a failure it recorded left ` +
        `no changes behind: fix migration.sql, then mark it rolled back ` +
        `(pnpm db:migrate --rolled-back ${failed.migration_name}) and run the migrations again. ` +
        `Error: ${failed.logs ?? "unknown"}`,
      failed.migration_name,
    );
  }

  const applied = new Map<string, MigrationRow>();
  for (const r of rows) {
    if (r.finished_at !== null && r.rolled_back_at === null) applied.set(r.migration_name, r);
  }

  const result: MigrateResult = { applied: [], skipped: [] };
  for (const file of files) {
    const row = applied.get(file.name);
    if (!row) continue;
    if (!matchesChecksum(file.sql, row.checksum)) {
      throw new MigrationError(
        "CHECKSUM_MISMATCH",
        `Migration ${file.name} was modified after it was applied (checksum ${row.checksum} in the database, ` +
          `${file.checksum} on disk). Restore the original migration.sql and put the change in a new migration (pnpm db:diff --name <name>).`,
        file.name,
      );
    }
    result.skipped.push(file.name);
  }

  for (const file of files) {
    if (applied.has(file.name)) continue;
    await applyOne(db, file);
    result.applied.push(file.name);
  }
  return result;
}

async function applyOne(db: SqlExecutor, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  const startedAt = new Date();
  try {
    await db.transaction(async (tx) => {
      await tx.exec(file.sql);
      await tx.query(
        `INSERT INTO ${MIGRATIONS_TABLE}
           (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, clock_timestamp(), 1)`,
        [id, file.checksum, file.name, startedAt.toISOString()],
      );
    });
  } catch (err) {
    // The transaction rolled the schema back; record the failure outside it so
    // that later runs stop here, as Prisma's do, until someone resolves it.
    const logs = errorText(err);
    await db.query(
      `INSERT INTO ${MIGRATIONS_TABLE}
         (id, checksum, migration_name, started_at, logs, applied_steps_count)
       VALUES ($1, $2, $3, $4, $5, 0)`,
      [id, file.checksum, file.name, startedAt.toISOString(), logs],
    );
    throw new MigrationError(
      "MIGRATION_FAILED",
      `Migration ${file.name} failed and was rolled back: ${logs}`,
      file.name,
      { cause: err },
    );
  }
}

/**
 * Marks a failed migration as rolled back (like `prisma migrate resolve
 * --rolled-back`), so the next run applies it again. Returns false when there
 * was no failed attempt of that name.
 */
export async function markRolledBack(
  db: SqlExecutor,
  migrationName: string,
  opts: Pick<MigrateOptions, "lockTimeoutMs"> = {},
): Promise<boolean> {
  return withLock(db, opts.lockTimeoutMs, async () => {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await db.query<{ id: string }>(
      `UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = now()
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL
        RETURNING id`,
      [migrationName],
    );
    return rows.length > 0;
  });
}
