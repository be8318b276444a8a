import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { getConfig } from "@mini-studio/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

import { pgExecutor, pgliteExecutor } from "./executor";
import { PrismaClient } from "./generated/prisma/client";
import { migrate } from "./migrate";

export type DbKind = "pglite" | "postgres";

export type Db = {
  prisma: PrismaClient;
  kind: DbKind;
  /** Disconnects Prisma and, when this Db opened it, closes the PGlite instance. */
  close(): Promise<void>;
};

export type CreateDbOptions = {
  /** A PostgreSQL URL: use `@prisma/adapter-pg`. */
  databaseUrl?: string;
  /** A PGlite data directory, or "memory" for a throw-away in-memory database. */
  pgliteDir?: string;
  /** An open PGlite instance; the caller keeps ownership and closes it. */
  pglite?: PGlite;
  /** Default true: apply pending migrations before returning. */
  migrate?: boolean;
  /** Default `<workspace root>/prisma/migrations`. */
  migrationsDir?: string;
};

// Two PGlite instances on one data directory corrupt it, so refuse the second
// one in this process. (Across processes the rule is: a worker process uses
// DATABASE_URL; PGlite is for the single web process.) On globalThis so that
// module copies made by Next's dev HMR share it.
const OPEN_DIRS_KEY = Symbol.for("@mini-studio/db/open-pglite-dirs");
const openDirs: Set<string> = ((globalThis as Record<symbol, unknown>)[OPEN_DIRS_KEY] as Set<string> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[OPEN_DIRS_KEY] = new Set<string>());

/**
 * A migrated Prisma client over PGlite (embedded) or PostgreSQL. With no
 * options it follows the process config (DATABASE_URL → postgres, else PGlite
 * in `<storage>/db`). Prefer `getDb()` in app code: it shares one instance.
 */
export async function createDb(opts: CreateDbOptions = {}): Promise<Db> {
  const migrationOpts = opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {};
  const shouldMigrate = opts.migrate ?? true;

  if (opts.pglite) {
    if (shouldMigrate) await migrate(pgliteExecutor(opts.pglite), migrationOpts);
    return pgliteDb(opts.pglite, async () => {});
  }

  let { databaseUrl, pgliteDir } = opts;
  if (!databaseUrl && !pgliteDir) {
    const config = getConfig();
    if (config.dbMode === "postgres" && config.databaseUrl) databaseUrl = config.databaseUrl;
    else pgliteDir = config.pgliteDir;
  }

  if (databaseUrl) {
    if (shouldMigrate) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await migrate(pgExecutor(client), migrationOpts);
      } finally {
        await client.end();
      }
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    return {
      prisma,
      kind: "postgres",
      close: () => prisma.$disconnect(),
    };
  }

  const memory = pgliteDir === "memory" || pgliteDir === "memory://";
  const dir = memory ? undefined : resolve(/*turbopackIgnore: true*/ pgliteDir!);
  if (dir) {
    if (openDirs.has(dir)) {
      throw new Error(
        `PGlite data directory ${dir} is already open in this process; share it with getDb() instead of opening it twice`,
      );
    }
    mkdirSync(dir, { recursive: true });
    openDirs.add(dir);
  }
  let pglite: PGlite;
  try {
    pglite = dir ? await PGlite.create(dir) : await PGlite.create();
  } catch (err) {
    if (dir) openDirs.delete(dir);
    throw err;
  }
  const closePglite = async () => {
    try {
      if (!pglite.closed) await pglite.close();
    } finally {
      if (dir) openDirs.delete(dir);
    }
  };
  try {
    if (shouldMigrate) await migrate(pgliteExecutor(pglite), migrationOpts);
  } catch (err) {
    await closePglite();
    throw err;
  }
  return pgliteDb(pglite, closePglite);
}

function pgliteDb(pglite: PGlite, closePglite: () => Promise<void>): Db {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  let closing: Promise<void> | undefined;
  return {
    prisma,
    kind: "pglite",
    close() {
      closing ??= (async () => {
        await prisma.$disconnect();
        await closePglite();
      })();
      return closing;
    },
  };
}

// One Db per process, on globalThis: Next's dev HMR and separate route bundles
// re-evaluate this module, and each copy must reuse the same PGlite instance.
const SINGLETON_KEY = Symbol.for("@mini-studio/db/singleton");
type Slot = { [SINGLETON_KEY]?: Promise<Db> };

/** The process's shared, migrated Db, created from getConfig() on first use. */
export function getDb(): Promise<Db> {
  const slot = globalThis as Slot;
  const existing = slot[SINGLETON_KEY];
  if (existing) return existing;
  const created = createDb().catch((err: unknown) => {
    if (slot[SINGLETON_KEY] === created) delete slot[SINGLETON_KEY];
    throw err;
  });
  slot[SINGLETON_KEY] = created;
  return created;
}

/** Closes the shared Db, if one was opened (call on SIGTERM / in test teardown). */
export async function closeDb(): Promise<void> {
  const slot = globalThis as Slot;
  const existing = slot[SINGLETON_KEY];
  if (!existing) return;
  delete slot[SINGLETON_KEY];
  const db = await existing.catch(() => undefined);
  await db?.close();
}
