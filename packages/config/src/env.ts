import { isAbsolute, join, resolve } from "node:path";

import { z } from "zod";

import { findWorkspaceRoot } from "./workspace";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const NODE_ENVS = ["development", "production", "test"] as const;

export type Config = Readonly<{
  nodeEnv: (typeof NODE_ENVS)[number];
  port: number;
  maxContentLengthMb: number;
  maxContentLengthBytes: number;
  rateLimitPerMin: number;
  rateLimitEnabled: boolean;
  maxAudioSeconds: number;
  corsAllowedOrigins: "*" | readonly string[];
  redisUrl: string | undefined;
  queueEnabled: boolean;
  queueName: string;
  queueMode: "direct" | "queue";
  databaseUrl: string | undefined;
  dbMode: "pglite" | "postgres";
  storageDir: string;
  pgliteDir: string;
  logDir: string;
  logLevel: LogLevel;
  trialCredits: number;
  adminEmail: string | undefined;
  /** Requests per minute per user (or per IP when anonymous), by bucket. */
  rateLimits: Readonly<{ default: number; lyrics: number; uploads: number }>;
  /** Credits each kind of work costs. */
  prices: Readonly<{ lyrics: number; vocalsPer10s: number; effectsJob: number }>;
  sessionTtlDays: number;
}>;

export type ConfigIssue = Readonly<{ variable: string; message: string }>;

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    // One line, so that it reads well as the last line of a crash and in a log.
    super(`Invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join("; ")}`);
    this.name = "ConfigError";
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
  }
}

// Plain decimal notation only: Number() alone would accept "", "0x10" and "Infinity".
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function numberVar(
  fallback: number,
  o: { min: number; max: number; int?: boolean; exclusiveMin?: boolean },
) {
  let n = z.number();
  if (o.int) n = n.int({ error: "must be a whole number" });
  n = o.exclusiveMin
    ? n.gt(o.min, { error: `must be greater than ${o.min}` })
    : n.min(o.min, { error: `must be at least ${o.min}` });
  n = n.max(o.max, { error: `must be at most ${o.max}` });
  return z
    .string()
    .regex(NUMBER_RE, { error: "must be a number" })
    .transform(Number)
    .pipe(n)
    .default(fallback);
}

const TRUTHY = ["1", "true", "yes", "on"];
const FALSY = ["0", "false", "no", "off"];

function boolVar(fallback: boolean) {
  return z
    .string()
    .toLowerCase()
    .refine((v) => TRUTHY.includes(v) || FALSY.includes(v), {
      error: "must be one of 1/0, true/false, yes/no, on/off",
    })
    .transform((v) => TRUTHY.includes(v))
    .default(fallback);
}

function enumVar<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z
    .string()
    .toLowerCase()
    .pipe(z.enum(values, { error: `must be one of ${values.join(", ")}` }))
    .default(fallback);
}

/** Connection URLs carry passwords: the message may name the scheme, never the value. */
function urlVar(schemes: readonly string[]) {
  const expected = schemes.map((s) => `${s}//`).join(" or ");
  return z
    .string()
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `must be a ${expected} URL (value hidden)` });
        return;
      }
      if (schemes.includes(url.protocol)) return;
      const shown = /^[a-z][a-z0-9+.-]{0,15}:\/\//i.test(value) ? ` (got a ${url.protocol}// URL)` : "";
      ctx.addIssue({ code: "custom", message: `must be a ${expected} URL${shown}` });
    })
    .optional();
}

/** `https://Example.com:8443/` -> `https://example.com:8443`; anything with a path, query or credentials is not an origin. */
function toOrigin(item: string): string | undefined {
  if (!/^https?:\/\/[^/]/i.test(item)) return undefined;
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") return undefined;
  if (/[?#]/.test(item)) return undefined;
  return url.origin;
}

const originsVar = z
  .string()
  .transform((value, ctx): "*" | readonly string[] => {
    if (value === "*") return "*";
    const origins: string[] = [];
    for (const part of value.split(",")) {
      const item = part.trim();
      if (!item) continue;
      const origin = toOrigin(item);
      if (!origin) {
        ctx.addIssue({
          code: "custom",
          message: `must be "*" or a comma-separated list of origins (scheme://host[:port]); ${JSON.stringify(clip(item))} is not an origin`,
        });
        return z.NEVER;
      }
      if (!origins.includes(origin)) origins.push(origin);
    }
    if (origins.length === 0) {
      ctx.addIssue({ code: "custom", message: `must be "*" or a comma-separated list of origins` });
      return z.NEVER;
    }
    return Object.freeze(origins);
  })
  .default("*");

// BullMQ rejects ":" in queue names (it is its key separator).
const queueNameVar = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: "must be 1-100 letters, digits, '_', '-' or '.'" })
  .optional();

const EnvSchema = z.object({
  NODE_ENV: enumVar(NODE_ENVS, "development"),
  PORT: numberVar(3000, { min: 0, max: 65535, int: true }),
  MAX_CONTENT_LENGTH_MB: numberVar(32, { min: 0, max: 4096, exclusiveMin: true }),
  RATE_LIMIT_PER_MIN: numberVar(60, { min: 1, max: 1_000_000, int: true }),
  RATE_LIMIT_ENABLED: boolVar(true),
  RATE_LIMIT_LYRICS_PER_MIN: numberVar(30, { min: 1, max: 1_000_000, int: true }),
  RATE_LIMIT_UPLOADS_PER_MIN: numberVar(20, { min: 1, max: 1_000_000, int: true }),
  MAX_AUDIO_SECONDS: numberVar(600, { min: 0, max: 86_400, exclusiveMin: true }),
  CORS_ALLOWED_ORIGINS: originsVar,
  REDIS_URL: urlVar(["redis:", "rediss:"]),
  RQ_ENABLED: boolVar(false),
  QUEUE_ENABLED: boolVar(false),
  QUEUE_NAME: queueNameVar,
  RQ_QUEUE_NAME: queueNameVar,
  DATABASE_URL: urlVar(["postgres:", "postgresql:"]),
  STORAGE_DIR: z.string().default("./storage"),
  LOG_DIR: z.string().optional(),
  LOG_LEVEL: enumVar(LOG_LEVELS, "info"),
  TRIAL_CREDITS: numberVar(50, { min: 0, max: 1_000_000, int: true }),
  PRICE_LYRICS: numberVar(1, { min: 0, max: 1_000_000, int: true }),
  PRICE_VOCALS_PER_10S: numberVar(2, { min: 0, max: 1_000_000, int: true }),
  PRICE_EFFECTS_JOB: numberVar(1, { min: 0, max: 1_000_000, int: true }),
  SESSION_TTL_DAYS: numberVar(30, { min: 1, max: 365, int: true }),
  // Lower-cased because the admin is matched against stored (lower-cased) emails.
  ADMIN_EMAIL: z.string().toLowerCase().pipe(z.email({ error: "must be an email address" })).optional(),
});

type EnvKey = keyof typeof EnvSchema.shape;
const ENV_KEYS = Object.keys(EnvSchema.shape) as EnvKey[];

// Secrets are never echoed; CORS_ALLOWED_ORIGINS already quotes the bad entry.
const NO_ECHO: ReadonlySet<string> = new Set(["DATABASE_URL", "REDIS_URL", "CORS_ALLOWED_ORIGINS"]);

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

function toConfigError(error: z.ZodError, raw: Partial<Record<EnvKey, string>>): ConfigError {
  const byVariable = new Map<string, string>();
  for (const issue of error.issues) {
    const variable = String(issue.path[0] ?? "environment");
    if (byVariable.has(variable)) continue; // the first problem per variable is the useful one
    const value = raw[variable as EnvKey];
    const echo = value !== undefined && !NO_ECHO.has(variable) ? ` (got ${JSON.stringify(clip(value))})` : "";
    byVariable.set(variable, `${issue.message}${echo}`);
  }
  const issues = ENV_KEYS.filter((k) => byVariable.has(k)).map((variable) => ({
    variable,
    message: byVariable.get(variable)!,
  }));
  return new ConfigError(issues);
}

/**
 * Parses an environment into a frozen Config. Pure apart from looking for
 * pnpm-workspace.yaml above `opts.cwd`; throws ConfigError listing every bad variable.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  opts: { cwd?: string } = {},
): Config {
  // Shells and .env files make "FOO=" easy to write by accident; treat it as unset.
  const raw: Partial<Record<EnvKey, string>> = {};
  for (const key of ENV_KEYS) {
    const value = env[key]?.trim();
    if (value) raw[key] = value;
  }

  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) throw toConfigError(parsed.error, raw);
  const e = parsed.data;

  const root = findWorkspaceRoot(opts.cwd ?? process.cwd());
  const fromRoot = (p: string) => (isAbsolute(p) ? resolve(p) : resolve(root, p));
  const storageDir = fromRoot(e.STORAGE_DIR);
  const queueEnabled = e.RQ_ENABLED || e.QUEUE_ENABLED;

  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    maxContentLengthMb: e.MAX_CONTENT_LENGTH_MB,
    maxContentLengthBytes: Math.floor(e.MAX_CONTENT_LENGTH_MB * 1024 * 1024),
    rateLimitPerMin: e.RATE_LIMIT_PER_MIN,
    rateLimitEnabled: e.RATE_LIMIT_ENABLED,
    maxAudioSeconds: e.MAX_AUDIO_SECONDS,
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS,
    redisUrl: e.REDIS_URL,
    queueEnabled,
    queueName: e.QUEUE_NAME ?? e.RQ_QUEUE_NAME ?? "mini_studio",
    // Without a Redis URL there is nothing to queue on, so jobs run in-process.
    queueMode: queueEnabled && e.REDIS_URL ? "queue" : "direct",
    databaseUrl: e.DATABASE_URL,
    dbMode: e.DATABASE_URL ? "postgres" : "pglite",
    storageDir,
    pgliteDir: join(storageDir, "db"),
    logDir: e.LOG_DIR ? fromRoot(e.LOG_DIR) : join(storageDir, "logs"),
    logLevel: e.LOG_LEVEL,
    trialCredits: e.TRIAL_CREDITS,
    adminEmail: e.ADMIN_EMAIL,
    rateLimits: Object.freeze({
      default: e.RATE_LIMIT_PER_MIN,
      lyrics: e.RATE_LIMIT_LYRICS_PER_MIN,
      uploads: e.RATE_LIMIT_UPLOADS_PER_MIN,
    }),
    prices: Object.freeze({
      lyrics: e.PRICE_LYRICS,
      vocalsPer10s: e.PRICE_VOCALS_PER_10S,
      effectsJob: e.PRICE_EFFECTS_JOB,
    }),
    sessionTtlDays: e.SESSION_TTL_DAYS,
  });
}

let cached: Config | undefined;

/** The process's config, parsed from process.env on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

export function resetConfigForTests(): void {
  cached = undefined;
}

/** The one-line message of a ConfigError (for a clean exit), undefined for anything else. */
export function formatConfigError(err: unknown): string | undefined {
  if (err instanceof ConfigError) return err.message;
  // A second copy of this module (bundles, HMR) has its own ConfigError class.
  if (err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).issues)) {
    return err.message;
  }
  return undefined;
}
