// Enum values without the Prisma runtime, safe to import in browser code.
export * from "./generated/prisma/enums";
