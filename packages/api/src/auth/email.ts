import { z } from "zod";

/** Emails are compared as NFKC, trimmed and lower-cased, so `Ada@Example.com ` is `ada@example.com`. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

export const ZEmailSchema = z
  .string()
  .max(254, { error: "An email address has at most 254 characters." })
  .transform(normalizeEmail)
  .pipe(z.email({ error: "Enter a valid email address." }));
