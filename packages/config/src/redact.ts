import { stdSerializers } from "pino";

export const REDACTED = "[Redacted]";

// Compared after lower-casing and dropping "-" and "_", so `Set-Cookie`,
// `set_cookie`, `access_token` and `accessToken` are all caught.
const SECRET_KEYS: ReadonlySet<string> = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "password",
  "newpassword",
  "currentpassword",
  "token",
  "accesstoken",
  "refreshtoken",
  "apitoken",
  "idtoken",
  "secret",
  "clientsecret",
  "apikey",
  "xapikey",
]);
const LONGEST_SECRET_KEY = 24;

// Deeper than any real log object; stops a pathological one from blowing the stack.
const MAX_DEPTH = 64;

export function isSecretKey(key: string): boolean {
  if (key.length > LONGEST_SECRET_KEY) return false;
  return SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ""));
}

/**
 * A copy of `value` with every secret-named key replaced, at any depth.
 * Copy-on-write: untouched subtrees (and the whole value, when nothing
 * matches) are returned as the same references, and the caller's objects are
 * never mutated. Errors become pino's serialized form first so their own
 * properties (e.g. request headers on an HTTP client error) are covered too.
 */
export function redact<T>(value: T): T {
  return walk(value, 0, new Set()) as T;
}

/** pino's standard err serializer, with the result redacted like everything else. */
export function serializeError(value: unknown): unknown {
  return value instanceof Error ? redact(stdSerializers.err(value)) : value;
}

function walk(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  if (value instanceof Error) return walk(stdSerializers.err(value), depth, ancestors);
  // These serialize without exposing keys (or are plain data), and walking a Buffer is costly.
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof Map || value instanceof Set) {
    return value;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    // JSON.stringify will call it anyway; redact what it would print.
    const json: unknown = toJSON.call(value);
    if (json === value) return value;
    const redacted = walk(json, depth, ancestors);
    return redacted === json ? value : redacted;
  }

  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = walk(item, depth + 1, ancestors);
        if (next === item) continue;
        copy ??= value.slice();
        copy[i] = next;
      }
      return copy ?? value;
    }

    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const next = isSecretKey(key)
        ? item === undefined || item === null
          ? item
          : REDACTED
        : walk(item, depth + 1, ancestors);
      if (next === item) continue;
      copy ??= { ...record };
      copy[key] = next;
    }
    return copy ?? value;
  } finally {
    ancestors.delete(value);
  }
}
