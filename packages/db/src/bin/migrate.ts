// `pnpm db:migrate [--rolled-back <migration>]`
// Applies pending migrations to the configured database (DATABASE_URL, else
// PGlite in <storage>/db). --rolled-back marks a failed migration as rolled
// back first (like `prisma migrate resolve --rolled-back`), then migrates.
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";

import { PGlite } from "@electric-sql/pglite";
import { formatConfigError, getConfig } from "@mini-studio/config";
import pg from "pg";

import { pgExecutor, pgliteExecutor, type SqlExecutor } from "../executor";
import { markRolledBack, migrate, type MigrateResult } from "../migrate";

async function run(rolledBack: string | undefined): Promise<void> {
  const config = getConfig();
  const work = async (db: SqlExecutor): Promise<MigrateResult> => {
    if (rolledBack) {
      const marked = await markRolledBack(db, rolledBack);
      console.log(marked ? `Marked ${rolledBack} as rolled back.` : `No failed attempt of ${rolledBack} to mark.`);
    }
    return migrate(db);
  };

  let result: MigrateResult;
  let target: string;
  if (config.dbMode === "postgres" && config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    target = `postgres ${url.hostname}:${url.port || 5432}${url.pathname}`;
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      result = await work(pgExecutor(client));
    } finally {
      await client.end();
    }
  } else {
    target = `pglite ${config.pgliteDir}`;
    mkdirSync(config.pgliteDir, { recursive: true });
    const db = await PGlite.create(config.pgliteDir);
    try {
      result = await work(pgliteExecutor(db));
    } finally {
      await db.close();
    }
  }

  for (const name of result.applied) console.log(`Applied ${name}`);
  console.log(
    result.applied.length === 0
      ? `${target}: up to date (${result.skipped.length} migrations already applied).`
      : `${target}: applied ${result.applied.length}, ${result.skipped.length} already applied.`,
  );
}

let rolledBack: string | undefined;
try {
  rolledBack = parseArgs({ options: { "rolled-back": { type: "string" } } }).values["rolled-back"];
} catch (err) {
  console.error(`db:migrate: ${(err as Error).message}`);
  process.exit(1);
}

run(rolledBack).then(
  () => process.exit(0),
  (err: unknown) => {
    const message = formatConfigError(err) ?? (err instanceof Error ? err.message : String(err));
    console.error(`db:migrate: ${message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  },
);
