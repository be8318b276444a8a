/**
 * Runs before `next start`: a bad setting stops startup with one line naming the
 * variable, and the database is migrated before the first request.
 */
import { bootstrap } from "@mini-studio/api";
import { formatConfigError } from "@mini-studio/config";
import { flushLoggers, getLogger } from "@mini-studio/config/logger";

try {
  const { config, db } = await bootstrap();
  getLogger("api").info({ db: db.kind, queue: config.queueMode, port: config.port }, "preflight ok");
  await db.close();
  await flushLoggers();
} catch (error) {
  console.error(formatConfigError(error) ?? `Startup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
