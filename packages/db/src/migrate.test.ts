import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";

import { createDb } from "./client";
import { pgExecutor, pgliteExecutor, type SqlExecutor, type SqlQueryable } from "./executor";
import { defaultMigrationsDir, markRolledBack, migrate, MigrationError, readMigrations } from "./migrate";
import { createTestDb, createTestPglite, dbKinds, type TestDb } from "./testing";

const kinds = await dbKinds();
const realMigrations = defaultMigrationsDir();

/** An empty database of the given kind, and a way to open sessions on it. */
type Target = {
  /** A new session (pg: a new connection; PGlite: the one instance). */
  open(): Promise<SqlExecutor>;
  url?: string;
  dispose(): Promise<void>;
};

async function emptyTarget(kind: "pglite" | "postgres"): Promise<Target> {
  if (kind === "pglite") {
    const db = await createTestPglite({ migrate: false });
    return { open: async () => pgliteExecutor(db), dispose: () => db.close() };
  }
  const holder: TestDb = await createTestDb("postgres", { migrate: false });
  const clients: pg.Client[] = [];
  return {
    url: holder.url,
    async open() {
      const c = new pg.Client({ connectionString: holder.url });
      await c.connect();
      clients.push(c);
      return pgExecutor(c);
    },
    async dispose() {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await holder.close();
    },
  };
}

async function schemaSnapshot(db: SqlQueryable): Promise<unknown> {
  return {
    columns: await db.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
    ),
    indexes: await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
    constraints: await db.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
    ),
    enums: await db.query(
      `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY 1, e.enumsortorder`,
    ),
  };
}

type Row = { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number };
const historyRows = (db: SqlQueryable) =>
  db.query<Row>(
    `SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
  );

const tableExists = async (db: SqlQueryable, name: string) =>
  (await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`public.${name}`]))[0]?.t != null;

/** A copy of prisma/migrations plus extra migrations, in a temp dir. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ms-migrations-"));
  await cp(realMigrations, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("readMigrations", () => {
  it("lists prisma/migrations in order, with sha256 checksums of the files", async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.name)).toEqual([...files.map((f) => f.name)].sort());
    for (const f of files) {
      const bytes = await readFile(join(realMigrations, f.name, "migration.sql"));
      expect(f.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });
});

describe.each(kinds)("migrate on %s", (kind) => {
  let target: Target;
  beforeEach(async () => {
    target = await emptyTarget(kind);
  });
  afterEach(async () => {
    await target.dispose();
  });

  it("applies every migration once; a second run applies nothing and changes nothing", async () => {
    const db = await target.open();
    const files = await readMigrations();

    const first = await migrate(db);
    expect(first).toEqual({ applied: files.map((f) => f.name), skipped: [] });
    expect(await tableExists(db, "users")).toBe(true);
    const before = await schemaSnapshot(db);

    const second = await migrate(db);
    expect(second).toEqual({ applied: [], skipped: files.map((f) => f.name) });
    expect(await schemaSnapshot(db)).toEqual(before);

    const rows = await historyRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, r] of rows.entries()) {
      expect(r.checksum).toBe(files[i]!.checksum);
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.applied_steps_count).toBe(1);
    }
  });

  it("creates _prisma_migrations exactly as Prisma's schema engine does", async () => {
    const db = await target.open();
    await migrate(db);
    const cols = await db.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(cols).toEqual([
      { column_name: "id", data_type: "character varying", len: 36, is_nullable: "NO", column_default: null },
      { column_name: "checksum", data_type: "character varying", len: 64, is_nullable: "NO", column_default: null },
      { column_name: "finished_at", data_type: "timestamp with time zone", len: null, is_nullable: "YES", column_default: null },
      { column_name: "migration_name", data_type: "character varying", len: 255, is_nullable: "NO", column_default: null },
      { column_name: "logs", data_type: "text", len: null, is_nullable: "YES", column_default: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", len: null, is_nullable: "YES", column_default: null },
      { column_name: "started_at", data_type: "timestamp with time zone", len: null, is_nullable: "NO", column_default: "now()" },
      { column_name: "applied_steps_count", data_type: "integer", len: null, is_nullable: "NO", column_default: "0" },
    ]);
  });

  it("runs concurrent runners one at a time: each migration is applied once", async () => {
    const dir = await migrationsWith({
      // Slow enough that the runners overlap for certain.
      "29990101000000_slow": "CREATE TABLE slow_marker (id int);\nSELECT pg_sleep(0.3);\n",
    });
    tempDirs.push(dir);
    const runners = await Promise.all([target.open(), target.open(), target.open()]);
    const results = await Promise.all(runners.map((db) => migrate(db, { migrationsDir: dir })));

    const files = await readMigrations(dir);
    const appliedAll = results.flatMap((r) => r.applied).sort();
    expect(appliedAll).toEqual(files.map((f) => f.name));
    const rows = await historyRows(runners[0]!);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  });

  it("refuses to run when an applied migration was modified", async () => {
    const dir = await migrationsWith({ "29990101000000_extra": "CREATE TABLE extra_table (id int);\n" });
    tempDirs.push(dir);
    const db = await target.open();
    await migrate(db, { migrationsDir: dir });

    await writeFile(join(dir, "29990101000000_extra", "migration.sql"), "CREATE TABLE extra_table (id bigint);\n");
    const err = await migrate(db, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err).toMatchObject({ code: "CHECKSUM_MISMATCH", migration: "29990101000000_extra" });
    expect((err as Error).message).toMatch(/29990101000000_extra was modified after it was applied/);
  });

  it("accepts an applied migration whose file only changed line endings (as Prisma does)", async () => {
    const dir = await migrationsWith({ "29990101000000_extra": "CREATE TABLE extra_table (id int);\nSELECT 1;\n" });
    tempDirs.push(dir);
    const db = await target.open();
    await migrate(db, { migrationsDir: dir });
    await writeFile(join(dir, "29990101000000_extra", "migration.sql"), "CREATE TABLE extra_table (id int);\r\nSELECT 1;\r\n");
    const again = await migrate(db, { migrationsDir: dir });
    expect(again.applied).toEqual([]);
  });

  it("rolls a failing migration back, records it as failed, and blocks later runs until resolved", async () => {
    const bad = "29990101000000_bad";
    const dir = await migrationsWith({
      [bad]: "CREATE TABLE half_done (id int);\nALTER TABLE users ADD COLUMN nickname text;\nSELECT 1/0;\n",
      "29990102000000_after": "CREATE TABLE after_bad (id int);\n",
    });
    tempDirs.push(dir);
    const db = await target.open();

    const err = await migrate(db, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err).toMatchObject({ code: "MIGRATION_FAILED", migration: bad });
    expect((err as Error).message).toMatch(/division by zero/);

    // Nothing of the failed migration is left, and the next one did not run.
    expect(await tableExists(db, "half_done")).toBe(false);
    expect(await tableExists(db, "after_bad")).toBe(false);
    const cols = await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'`);
    expect(cols).toEqual([]);
    // The init migration before it stays applied.
    expect(await tableExists(db, "users")).toBe(true);

    const rows = await historyRows(db);
    const failedRow = rows.find((r) => r.migration_name === bad);
    expect(failedRow).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(rows.filter((r) => r.finished_at !== null).map((r) => r.migration_name)).not.toContain(bad);

    // A later run (e.g. another process starting) refuses, naming the migration.
    const blocked = await migrate(db, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(blocked).toMatchObject({ code: "FAILED_MIGRATION_FOUND", migration: bad });
    expect((blocked as Error).message).toMatch(new RegExp(`Migration ${bad} failed .*--rolled-back ${bad}`));

    // Fix the file, mark the attempt rolled back: the run goes through.
    await writeFile(join(dir, bad, "migration.sql"), "CREATE TABLE half_done (id int);\n");
    expect(await markRolledBack(db, bad)).toBe(true);
    const fixed = await migrate(db, { migrationsDir: dir });
    expect(fixed.applied).toEqual([bad, "29990102000000_after"]);
    expect(await tableExists(db, "after_bad")).toBe(true);
  });
});

describe("migrate on an on-disk PGlite", () => {
  it("migrates once across close and reopen", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ms-pglite-"));
    tempDirs.push(dir);
    const files = await readMigrations();

    const first = await createDb({ pgliteDir: dir });
    await first.prisma.user.create({ data: { email: "disk@example.com", passwordHash: "x" } });
    await first.close();

    const second = await createDb({ pgliteDir: dir });
    try {
      expect(await second.prisma.user.count()).toBe(1);
      const rows = await second.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
        `SELECT migration_name FROM _prisma_migrations`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    } finally {
      await second.close();
    }
  });

  it("refuses to open the same data directory twice in one process", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ms-pglite-"));
    tempDirs.push(dir);
    const db = await createDb({ pgliteDir: dir });
    try {
      await expect(createDb({ pgliteDir: dir })).rejects.toThrow(/already open in this process/);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!kinds.includes("postgres"))("migrate from several processes on postgres", () => {
  it("applies each migration once when processes start at the same time", async () => {
    const dir = await migrationsWith({
      "29990101000000_slow": "CREATE TABLE slow_marker (id int);\nSELECT pg_sleep(0.5);\n",
    });
    tempDirs.push(dir);
    const target = await emptyTarget("postgres");
    try {
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
      const child = fileURLToPath(new URL("./__fixtures__/migrate-child.ts", import.meta.url));
      const run = () =>
        promisify(execFile)(process.execPath, ["--import", tsx, child, target.url!, dir]).then(
          (r) => JSON.parse(r.stdout) as { applied: string[]; skipped: string[] },
        );
      const results = await Promise.all([run(), run(), run()]);

      const files = await readMigrations(dir);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name));
      const db = await target.open();
      const rows = await historyRows(db);
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    } finally {
      await target.dispose();
    }
  });
});
