// Fresh, migrated databases for tests: one per call, so test files never share state.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { serviceAvailable, testServices } from "@mini-studio/config/testing";
import pg from "pg";

import { createDb, type Db, type DbKind } from "./client";
import { pgliteExecutor } from "./executor";
import { defaultMigrationsDir, migrate, readMigrations } from "./migrate";

export type TestDb = Db & { url?: string };

/**
 * pglite: a new in-memory PGlite. postgres: a new database `ms_test_<random>`
 * on the server of testServices().databaseUrl; close() drops it.
 * `migrate: false` leaves the database empty (for migration tests).
 */
export async function createTestDb(
  kind: DbKind,
  opts: { migrationsDir?: string; migrate?: boolean } = {},
): Promise<TestDb> {
  if (kind === "pglite") return createTestPgliteDb(opts);

  const adminUrl = testServices().databaseUrl;
  const name = `ms_test_${randomBytes(6).toString("hex")}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrlFor(adminUrl, name);
  let db: Db;
  try {
    db = await createDb({ databaseUrl: url, ...opts });
  } catch (err) {
    await dropDatabase(adminUrl, name).catch(() => {});
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    ...db,
    url,
    close() {
      closing ??= (async () => {
        try {
          await db.close();
        } finally {
          await dropDatabase(adminUrl, name);
        }
      })();
      return closing;
    },
  };
}

/** The kinds to run a suite against: PGlite always, Postgres when it answers. */
export async function dbKinds(): Promise<DbKind[]> {
  return (await serviceAvailable("postgres")) ? ["pglite", "postgres"] : ["pglite"];
}

/** `url` with its database name replaced. */
export function databaseUrlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  // FORCE (Postgres 13+) ends sessions a test left open instead of failing.
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

// Booting a fresh PGlite runs initdb in wasm (~4 s). A data dir dumped once
// and cached on disk per (PGlite version, migrations) loads in ~1.5 s, so
// every test file after the first starts faster.
const templates = new Map<string, Promise<Blob>>();

/**
 * A new in-memory PGlite instance, migrated unless `migrate: false`. The
 * caller closes it. For tests that need PGlite itself rather than a Db.
 */
export async function createTestPglite(opts: { migrationsDir?: string; migrate?: boolean } = {}): Promise<PGlite> {
  const migrationsDir = opts.migrate === false ? undefined : (opts.migrationsDir ?? defaultMigrationsDir());
  return PGlite.create({ loadDataDir: await pgliteTemplate(migrationsDir) });
}

async function createTestPgliteDb(opts: { migrationsDir?: string; migrate?: boolean }): Promise<TestDb> {
  const pglite = await createTestPglite(opts);
  let db: Db;
  try {
    // A no-op on the migrated template, but keeps createDb's contract.
    db = await createDb({ pglite, ...opts });
  } catch (err) {
    await pglite.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    ...db,
    close() {
      closing ??= (async () => {
        try {
          await db.close();
        } finally {
          await pglite.close();
        }
      })();
      return closing;
    },
  };
}

async function pgliteTemplate(migrationsDir: string | undefined): Promise<Blob> {
  const require = createRequire(import.meta.url);
  const pglitePkg = join(dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  const { version } = JSON.parse(await readFile(pglitePkg, "utf8")) as { version: string };
  const hash = createHash("sha256").update(`pglite ${version}\n`);
  if (migrationsDir) {
    for (const m of await readMigrations(migrationsDir)) hash.update(`${m.name} ${m.checksum}\n`);
  }
  const key = `${migrationsDir ? "migrated" : "empty"}-${hash.digest("hex").slice(0, 16)}`;

  let template = templates.get(key);
  if (!template) {
    template = loadOrBuildTemplate(key, migrationsDir);
    templates.set(key, template);
    template.catch(() => templates.delete(key));
  }
  return template;
}

async function loadOrBuildTemplate(key: string, migrationsDir: string | undefined): Promise<Blob> {
  const cacheDir = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".cache", "mini-studio-db");
  const file = join(cacheDir, `pglite-${key}.tar`);
  const cached = await readFile(file).catch(() => undefined);
  if (cached) return new Blob([cached]);

  const db = await PGlite.create();
  try {
    if (migrationsDir) await migrate(pgliteExecutor(db), { migrationsDir });
    const dump = await db.dumpDataDir("none");
    // Write-then-rename: parallel test processes may build it at the same time.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await mkdir(cacheDir, { recursive: true })
      .then(async () => {
        await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
        await rename(tmp, file);
      })
      .catch(() => {
        // A read-only checkout still works, just without the cache.
      });
    return dump;
  } finally {
    await db.close();
  }
}
