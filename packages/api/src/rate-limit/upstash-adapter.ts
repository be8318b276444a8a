import { createHash } from "node:crypto";

import type { Redis as UpstashRedis } from "@upstash/redis";
import type { Redis } from "ioredis";

/**
 * The part of the `@upstash/redis` client that `@upstash/ratelimit` uses:
 * `evalsha`, then `eval` when Redis answers NOSCRIPT (its `safeEval`), for
 * `limit`, `getRemaining` and `resetUsedTokens`; `get` and `set` are required by
 * its config type and serve only its dynamic limits, which we leave off.
 */
export type UpstashRedisLike = Pick<UpstashRedis, "evalsha" | "eval" | "get" | "set">;

const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

/**
 * The library's scripts start with `#!lua flags=allow-key-locking`, a flag that
 * Redis 7.0 rejects ("Unexpected flag in script shebang"). Without a shebang a
 * script runs in the classic mode every Redis version accepts.
 */
export function stripShebang(script: string): string {
  if (!script.startsWith("#!")) return script;
  const eol = script.indexOf("\n");
  return eol < 0 ? "" : script.slice(eol + 1);
}

type Sent = { sha: string; body: string };

function toArg(value: unknown): string | number {
  if (typeof value === "string" || typeof value === "number") return value;
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}

/** Makes an ioredis client look like the `@upstash/redis` client the ratelimit library expects. */
export function createUpstashAdapter(redis: Redis): UpstashRedisLike {
  // The library asks for scripts by the SHA1 of its own text, but we send
  // stripped text, whose SHA1 differs: map one to the other.
  const sent = new Map<string, Sent>();

  const evalsha = async <TArgs extends unknown[], TData = unknown>(
    hash: string,
    keys: string[],
    args: TArgs,
  ): Promise<TData> => {
    const script = sent.get(hash);
    // Not sent by this process yet: answer as Redis would for an unknown
    // script, and the library resends the full text through eval().
    if (!script) throw new Error("NOSCRIPT No matching script (not yet loaded by this client)");
    // After SCRIPT FLUSH or a restart Redis answers NOSCRIPT itself, and the library again falls back to eval().
    return (await redis.evalsha(script.sha, keys.length, ...keys, ...args.map(toArg))) as TData;
  };

  const evalScript = async <TArgs extends unknown[], TData = unknown>(
    text: string,
    keys: string[],
    args: TArgs,
  ): Promise<TData> => {
    const body = stripShebang(text);
    // EVAL caches the script under the SHA1 of what was sent, which later EVALSHA calls use.
    sent.set(sha1(text), { sha: sha1(body), body });
    return (await redis.eval(body, keys.length, ...keys, ...args.map(toArg))) as TData;
  };

  return {
    evalsha,
    eval: evalScript,
    get: async <TData>(key: string) => (await redis.get(key)) as TData | null,
    set: async <TData>(key: string, value: TData, opts?: unknown) => {
      if (opts !== undefined) throw new Error("upstash adapter: SET options are not supported");
      await redis.set(key, toArg(value));
      return "OK" as const;
    },
  };
}
