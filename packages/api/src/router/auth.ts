import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { login, logout, me, signup, ZLoginSchema, ZSignupSchema, ZUserSchema } from "../auth/accounts";
import { createApiToken, listApiTokens, revokeApiToken, ZApiTokenSchema, ZCreateTokenSchema } from "../auth/tokens";
import { protectedProcedure, publicProcedure } from "../trpc";

const tokensRouter = {
  /** The secret is in this answer only; it is stored hashed. */
  create: protectedProcedure
    .input(ZCreateTokenSchema)
    .output(z.object({ token: z.string(), apiToken: ZApiTokenSchema }))
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.session.userId, input)),
  list: protectedProcedure
    .output(z.array(ZApiTokenSchema))
    .query(({ ctx }) => listApiTokens(ctx.db, ctx.session.userId)),
  revoke: protectedProcedure
    .input(z.object({ id: z.string().min(1).max(64) }))
    .output(z.object({ revoked: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiToken(ctx.db, ctx.session.userId, input.id);
      return { revoked: true as const };
    }),
} satisfies TRPCRouterRecord;

export const authRouter = {
  signup: publicProcedure
    .input(ZSignupSchema)
    .output(z.object({ user: ZUserSchema, credits: z.number().int() }))
    .mutation(({ ctx, input }) => signup(ctx, input)),
  login: publicProcedure
    .input(ZLoginSchema)
    .output(z.object({ user: ZUserSchema }))
    .mutation(({ ctx, input }) => login(ctx, input)),
  logout: publicProcedure.output(z.object({ loggedOut: z.literal(true) })).mutation(async ({ ctx }) => {
    await logout(ctx);
    return { loggedOut: true as const };
  }),
  me: protectedProcedure
    .output(z.object({ user: ZUserSchema, credits: z.number().int() }))
    .query(({ ctx }) => me(ctx, ctx.session.userId)),
  tokens: tokensRouter,
} satisfies TRPCRouterRecord;
