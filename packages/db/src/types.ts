import type { Prisma, PrismaClient } from "./generated/prisma/client";

/** What a domain function that reads or writes needs: the client, or the `tx` of an interactive transaction. */
export type DbClient = PrismaClient | Prisma.TransactionClient;
