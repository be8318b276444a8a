import { createHash, randomBytes } from "node:crypto";

/** A bearer secret: a readable prefix and 256 random bits, e.g. `ms_sess_…`. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/**
 * Secrets are stored as their SHA-256. They carry 256 bits of entropy, so a fast hash is
 * enough (unlike passwords) and lookups stay an index hit.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
