import { APP_VERSION } from "@mini-studio/config";
import { z } from "zod";
import type { Context } from "./context";
import { AppError } from "./errors";

export const ZHealthSchema = z.object({
  db: z.enum(["pglite", "postgres"]),
  queue: z.enum(["direct", "queue"]),
  version: z.string(),
});

export type Health = z.infer<typeof ZHealthSchema>;

/** The studio is healthy when its database answers; the queue mode is what config chose. */
export async function getHealth(ctx: Pick<Context, "db" | "config" | "log">): Promise<Health> {
  try {
    await ctx.db.prisma.$queryRaw`SELECT 1`;
  } catch (cause) {
    ctx.log.error({ err: cause }, "health check: database unreachable");
    throw new AppError("SERVICE_UNAVAILABLE", "The database is not reachable.", { cause });
  }
  return { db: ctx.db.kind, queue: ctx.config.queueMode, version: APP_VERSION };
}
