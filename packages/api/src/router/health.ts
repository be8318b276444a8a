import type { TRPCRouterRecord } from "@trpc/server";
import { getHealth, ZHealthSchema } from "../health";
import { publicProcedure } from "../trpc";

export const healthRouter = {
  get: publicProcedure.output(ZHealthSchema).query(({ ctx }) => getHealth(ctx)),
} satisfies TRPCRouterRecord;
