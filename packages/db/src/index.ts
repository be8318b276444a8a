// Prisma client, model types and enums, generated from prisma/schema.prisma.
export * from "./generated/prisma/client";

export { closeDb, createDb, getDb, type CreateDbOptions, type Db, type DbKind } from "./client";
export type { DbClient } from "./types";
export {
  checksumOf,
  defaultMigrationsDir,
  markRolledBack,
  migrate,
  MigrationError,
  PRISMA_ADVISORY_LOCK_KEY,
  readMigrations,
  type MigrateOptions,
  type MigrateResult,
  type MigrationErrorCode,
  type MigrationFile,
} from "./migrate";
export { pgExecutor, pgliteExecutor, type SqlExecutor, type SqlQueryable } from "./executor";
