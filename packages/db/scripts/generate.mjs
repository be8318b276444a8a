// `pnpm db:generate`: `prisma generate`, offline (see prisma.mjs), into
// src/generated/prisma (git-ignored; regenerated from prisma/schema.prisma).
import { runPrisma } from "./prisma.mjs";

process.exit(runPrisma(["generate"]));
