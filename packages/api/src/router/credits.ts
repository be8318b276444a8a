import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { creditHistory, getBalance, grantCredits, ZHistoryInputSchema, ZHistorySchema } from "../credits/ledger";
import { AppError } from "../errors";
import { adminProcedure, protectedProcedure } from "../trpc";

export const creditsRouter = {
  balance: protectedProcedure
    .output(z.object({ balance: z.number().int() }))
    .query(async ({ ctx }) => ({ balance: await getBalance(ctx.db.prisma, ctx.session.userId) })),
  history: protectedProcedure
    .input(ZHistoryInputSchema)
    .output(ZHistorySchema)
    .query(({ ctx, input }) => creditHistory(ctx.db, ctx.session.userId, input)),
  grant: adminProcedure
    .input(
      z.object({
        userId: z.string().min(1).max(64),
        amount: z.number().int().min(1).max(1_000_000),
        reason: z.string().trim().min(1).max(200),
      }),
    )
    .output(z.object({ balance: z.number().int() }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.db.prisma.user.findUnique({ where: { id: input.userId }, select: { id: true } });
      if (!user) throw new AppError("NOT_FOUND", "No such user.");
      await grantCredits(ctx.db.prisma, { userId: input.userId, amount: input.amount, kind: "GRANT", reason: input.reason });
      ctx.log.info({ grantedTo: input.userId, amount: input.amount }, "credits granted");
      return { balance: await getBalance(ctx.db.prisma, input.userId) };
    }),
} satisfies TRPCRouterRecord;
