// Prisma CLI config (Prisma 7 reads this instead of package.json#prisma).
// Paths are relative to this file. No imports on purpose: the repo root does
// not depend on `prisma`, and Prisma accepts a plain object of the
// `PrismaConfig` shape.
//
// Here the CLI only generates the client (`pnpm db:generate`, offline via
// packages/db/scripts/prisma.mjs). Migrations are applied by the project's own
// runner (`pnpm db:migrate`) into Prisma's `_prisma_migrations` table, so on a
// machine where Prisma's engine can be downloaded, `prisma migrate status` /
// `migrate deploy` with DATABASE_URL set agree with it. Like scripts, this
// tooling file may read the environment; application code goes through
// @mini-studio/config.
const url = process.env.DATABASE_URL;

export default {
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
  },
  ...(url ? { datasource: { url } } : {}),
};
