import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { diffSql, isEmptyDiff } from "./schema-engine";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

describe("prisma/migrations", () => {
  it("match prisma/schema.prisma (run `pnpm db:diff --name <change>` after editing the schema)", async () => {
    const sql = await diffSql({
      schemaPath: join(root, "prisma/schema.prisma"),
      migrationsDir: join(root, "prisma/migrations"),
    });
    expect(isEmptyDiff(sql), `pending schema changes:\n${sql}`).toBe(true);
  });

  it("diff from empty produces Prisma's SQL for the schema", async () => {
    const sql = await diffSql({ schemaPath: join(root, "prisma/schema.prisma") });
    expect(sql).toContain(`CREATE TABLE "users"`);
    expect(sql).toContain(`CREATE UNIQUE INDEX "credit_ledger_job_id_kind_key" ON "credit_ledger"("job_id", "kind");`);
  });
});
