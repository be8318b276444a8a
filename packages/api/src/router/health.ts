import type { TRPCRouterRecord } from "@trpc/server";
import { getHealth, ZHealthSchema } from "../health";
import { publicProcedure } from "../trpc";

export const healthRouter = {
  // Load balancers poll this; it spends no rate-limit budget.
  get: publicProcedure.meta({ rateLimit: false }).output(ZHealthSchema).query(({ ctx }) => getHealth(ctx)),
} satisfies TRPCRouterRecord;
