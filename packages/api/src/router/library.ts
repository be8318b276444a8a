import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  deleteAsset,
  getAsset,
  listAssets,
  renameAsset,
  tagAsset,
  usageTotals,
  ZListInputSchema,
  ZListSchema,
  ZRenameSchema,
  ZTagsSchema,
  ZUsageSchema,
} from "../assets/library";
import { ZAssetSchema } from "../assets/view";
import { protectedProcedure } from "../trpc";

const ZIdSchema = z.object({ id: z.string().min(1).max(64) });

export const libraryRouter = {
  list: protectedProcedure.input(ZListInputSchema).output(ZListSchema).query(({ ctx, input }) => listAssets(ctx, ctx.session.userId, input)),
  get: protectedProcedure.input(ZIdSchema).output(ZAssetSchema).query(({ ctx, input }) => getAsset(ctx, ctx.session.userId, input.id)),
  rename: protectedProcedure.input(ZRenameSchema).output(ZAssetSchema).mutation(({ ctx, input }) => renameAsset(ctx, ctx.session.userId, input)),
  tag: protectedProcedure
    .input(ZIdSchema.extend({ tags: ZTagsSchema }))
    .output(ZAssetSchema)
    .mutation(({ ctx, input }) => tagAsset(ctx, ctx.session.userId, input.id, input.tags)),
  delete: protectedProcedure
    .input(ZIdSchema)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteAsset(ctx, ctx.session.userId, input.id);
      return { deleted: true as const };
    }),
  usage: protectedProcedure.output(ZUsageSchema).query(({ ctx }) => usageTotals(ctx, ctx.session.userId)),
} satisfies TRPCRouterRecord;
