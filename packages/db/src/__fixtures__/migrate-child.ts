// Runs the migration runner in its own process, for the concurrency test:
//   node --import tsx migrate-child.ts <databaseUrl> <migrationsDir>
// Prints the MigrateResult as JSON.
import pg from "pg";

import { pgExecutor } from "../executor";
import { migrate } from "../migrate";

const [url, migrationsDir] = process.argv.slice(2);
if (!url || !migrationsDir) throw new Error("usage: migrate-child.ts <databaseUrl> <migrationsDir>");

const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const result = await migrate(pgExecutor(client), { migrationsDir });
  process.stdout.write(JSON.stringify(result));
} finally {
  await client.end();
}
