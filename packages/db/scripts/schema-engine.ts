// Prisma's schema engine compiled to wasm, driven through an in-memory PGlite
// (its "database" and its shadow database). This is how we get Prisma's own
// migration SQL without the native engine, which cannot be downloaded here.
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { DiffTarget, MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type { DiffTarget, MigrationList };

// The project's lib settings (ES2023, no DOM) do not declare WebAssembly.
type WasmApi = {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let wasmReady: Promise<void> | undefined;

// The package's entry does `import * as wasm from "./x.wasm"`, which Node 20
// only allows behind --experimental-wasm-modules, so instantiate by hand.
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await wasmApi.instantiate(bytes, {
      "./schema_engine_bg.js": bindings as unknown as Record<string, unknown>,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

export type EngineHandle = {
  engine: SchemaEngine;
  close(): Promise<void>;
};

export async function openSchemaEngine(): Promise<EngineHandle> {
  await loadWasm();
  const pglite = new PGlite();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite));
  const engine = await bindings.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  return {
    engine,
    async close() {
      engine.free();
      await pglite.close();
    },
  };
}

/** Reads a migrations folder the way Prisma's CLI does (sorted dir names, migration.sql). */
export async function readMigrationList(baseDir: string): Promise<MigrationList> {
  const lockPath = "migration_lock.toml";
  const lock = await readFile(join(baseDir, lockPath), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  dirs.sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    dirs.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(join(baseDir, name, "migration.sql"), "utf8")
          .then((value) => ({ tag: "ok" as const, value }))
          .catch((err: Error) => ({ tag: "error" as const, value: err.message })),
      },
    })),
  );
  return { baseDir, lockfile: { path: lockPath, content: lock }, shadowDbInitScript: "", migrationDirectories };
}

/** SQL that takes a database at the state of `migrationsDir` (or empty) to `schemaPath`. */
export async function diffSql(opts: { schemaPath: string; migrationsDir?: string }): Promise<string> {
  const schema = await readFile(opts.schemaPath, "utf8");
  const list = opts.migrationsDir ? await readMigrationList(opts.migrationsDir) : undefined;
  const from: DiffTarget =
    list && list.migrationDirectories.length > 0 ? { tag: "migrations", ...list } : { tag: "empty" };
  const handle = await openSchemaEngine();
  try {
    const result = await handle.engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: opts.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    await handle.close();
  }
}

/** True when a diff script has no statements (Prisma prints a comment only). */
export function isEmptyDiff(sql: string): boolean {
  return sql
    .split("\n")
    .map((l) => l.trim())
    .every((l) => l === "" || l.startsWith("--"));
}
