import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import {
  APP_VERSION,
  ConfigError,
  findWorkspaceRoot,
  formatConfigError,
  getConfig,
  parseConfig,
  resetConfigForTests,
} from "./index";

/** A fake workspace: <root>/pnpm-workspace.yaml and a nested package dir to run from. */
function tempWorkspace(): { root: string; pkg: string } {
  const root = mkdtempSync(join(tmpdir(), "config-ws-"));
  writeFileSync(join(root, "pnpm-workspace.yaml"), "packages:\n  - apps/*\n");
  const pkg = join(root, "apps", "web");
  mkdirSync(pkg, { recursive: true });
  return { root, pkg };
}

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env, { cwd: tempWorkspace().pkg });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe("parseConfig defaults", () => {
  it("gives every variable its documented default", () => {
    const { root, pkg } = tempWorkspace();
    const config = parseConfig({}, { cwd: pkg });
    expect(config).toEqual({
      nodeEnv: "development",
      port: 3000,
      maxContentLengthMb: 32,
      maxContentLengthBytes: 32 * 1024 * 1024,
      rateLimitPerMin: 60,
      rateLimitEnabled: true,
      maxAudioSeconds: 600,
      corsAllowedOrigins: "*",
      redisUrl: undefined,
      queueEnabled: false,
      queueName: "mini_studio",
      queueMode: "direct",
      databaseUrl: undefined,
      dbMode: "pglite",
      storageDir: join(root, "storage"),
      pgliteDir: join(root, "storage", "db"),
      logDir: join(root, "storage", "logs"),
      logLevel: "info",
      trialCredits: 50,
      adminEmail: undefined,
      rateLimits: { default: 60, lyrics: 30, uploads: 20 },
      prices: { lyrics: 1, vocalsPer10s: 2, effectsJob: 1 },
      sessionTtlDays: 30,
    });
  });

  it("reads the rate-limit buckets, prices and session lifetime", () => {
    const { pkg } = tempWorkspace();
    const config = parseConfig(
      {
        RATE_LIMIT_PER_MIN: "100",
        RATE_LIMIT_LYRICS_PER_MIN: "5",
        RATE_LIMIT_UPLOADS_PER_MIN: "7",
        PRICE_LYRICS: "3",
        PRICE_VOCALS_PER_10S: "4",
        PRICE_EFFECTS_JOB: "0",
        SESSION_TTL_DAYS: "7",
      },
      { cwd: pkg },
    );
    expect(config.rateLimits).toEqual({ default: 100, lyrics: 5, uploads: 7 });
    expect(config.prices).toEqual({ lyrics: 3, vocalsPer10s: 4, effectsJob: 0 });
    expect(config.sessionTtlDays).toBe(7);
    expect(() => parseConfig({ PRICE_LYRICS: "-1" }, { cwd: pkg })).toThrow(/PRICE_LYRICS must be at least 0/);
    expect(() => parseConfig({ SESSION_TTL_DAYS: "0.5" }, { cwd: pkg })).toThrow(/SESSION_TTL_DAYS must be a whole number/);
  });

  it("treats empty and blank values as unset and ignores unknown variables", () => {
    const { pkg } = tempWorkspace();
    const config = parseConfig(
      { PORT: "", MAX_CONTENT_LENGTH_MB: "  ", DATABASE_URL: "", SOMETHING_ELSE: "x" },
      { cwd: pkg },
    );
    expect(config.port).toBe(3000);
    expect(config.maxContentLengthMb).toBe(32);
    expect(config.dbMode).toBe("pglite");
    expect(config).not.toHaveProperty("SOMETHING_ELSE");
  });

  it("is frozen, list included", () => {
    const config = parseConfig({ CORS_ALLOWED_ORIGINS: "https://a.example" }, { cwd: tempWorkspace().pkg });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.corsAllowedOrigins)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe("parseConfig values", () => {
  it("parses numbers from strings and derives the byte limit", () => {
    const config = parseConfig(
      { PORT: "8080", MAX_CONTENT_LENGTH_MB: "0.5", RATE_LIMIT_PER_MIN: "120", MAX_AUDIO_SECONDS: "30", TRIAL_CREDITS: "0" },
      { cwd: tempWorkspace().pkg },
    );
    expect(config).toMatchObject({
      port: 8080,
      maxContentLengthMb: 0.5,
      maxContentLengthBytes: 512 * 1024,
      rateLimitPerMin: 120,
      maxAudioSeconds: 30,
      trialCredits: 0,
    });
  });

  it.each([
    ["1", true],
    ["0", false],
    ["TRUE", true],
    ["false", false],
    ["yes", true],
    ["No", false],
    ["on", true],
    ["off", false],
  ])("reads RATE_LIMIT_ENABLED=%s as %s", (value, expected) => {
    expect(parseConfig({ RATE_LIMIT_ENABLED: value }, { cwd: tempWorkspace().pkg }).rateLimitEnabled).toBe(expected);
  });

  it("normalises and de-duplicates the CORS origin list", () => {
    const config = parseConfig(
      { CORS_ALLOWED_ORIGINS: " https://App.example.com/ , http://localhost:3000,https://app.example.com, " },
      { cwd: tempWorkspace().pkg },
    );
    expect(config.corsAllowedOrigins).toEqual(["https://app.example.com", "http://localhost:3000"]);
  });

  it("reads LOG_LEVEL case-insensitively and lower-cases ADMIN_EMAIL", () => {
    const config = parseConfig({ LOG_LEVEL: "DEBUG", ADMIN_EMAIL: " Admin@Example.com " }, { cwd: tempWorkspace().pkg });
    expect(config.logLevel).toBe("debug");
    expect(config.adminEmail).toBe("admin@example.com");
  });
});

describe("queue and database modes", () => {
  const cwd = tempWorkspace().pkg;
  const parse = (env: Record<string, string>) => parseConfig(env, { cwd });

  it("lets either RQ_ENABLED or QUEUE_ENABLED turn the queue on", () => {
    expect(parse({}).queueEnabled).toBe(false);
    expect(parse({ RQ_ENABLED: "1" }).queueEnabled).toBe(true);
    expect(parse({ QUEUE_ENABLED: "true" }).queueEnabled).toBe(true);
    expect(parse({ RQ_ENABLED: "1", QUEUE_ENABLED: "0" }).queueEnabled).toBe(true);
    expect(parse({ RQ_ENABLED: "0", QUEUE_ENABLED: "1" }).queueEnabled).toBe(true);
    expect(parse({ RQ_ENABLED: "0", QUEUE_ENABLED: "0" }).queueEnabled).toBe(false);
  });

  it("prefers QUEUE_NAME over the seed's RQ_QUEUE_NAME", () => {
    expect(parse({ RQ_QUEUE_NAME: "seed_queue" }).queueName).toBe("seed_queue");
    expect(parse({ RQ_QUEUE_NAME: "seed_queue", QUEUE_NAME: "studio" }).queueName).toBe("studio");
    expect(parse({ QUEUE_NAME: "studio" }).queueName).toBe("studio");
  });

  it("queues only when the queue is on and Redis is configured", () => {
    const redis = { REDIS_URL: "redis://127.0.0.1:6379" };
    expect(parse({ RQ_ENABLED: "1" }).queueMode).toBe("direct");
    expect(parse(redis).queueMode).toBe("direct");
    expect(parse({ ...redis, QUEUE_ENABLED: "1" }).queueMode).toBe("queue");
    expect(parse({ REDIS_URL: "rediss://:pw@cache.example:6380", RQ_ENABLED: "yes" })).toMatchObject({
      queueMode: "queue",
      redisUrl: "rediss://:pw@cache.example:6380",
    });
  });

  it("uses Postgres when DATABASE_URL is set, else PGlite", () => {
    expect(parse({}).dbMode).toBe("pglite");
    expect(parse({ DATABASE_URL: "postgres://u:p@db:5432/x" })).toMatchObject({
      dbMode: "postgres",
      databaseUrl: "postgres://u:p@db:5432/x",
    });
    expect(parse({ DATABASE_URL: "postgresql://postgres@127.0.0.1/postgres" }).dbMode).toBe("postgres");
  });
});

describe("paths", () => {
  it("resolves a relative STORAGE_DIR against the workspace root, not the cwd", () => {
    const { root, pkg } = tempWorkspace();
    const config = parseConfig({ STORAGE_DIR: "data/store" }, { cwd: pkg });
    expect(config.storageDir).toBe(join(root, "data", "store"));
    expect(config.pgliteDir).toBe(join(root, "data", "store", "db"));
    expect(config.logDir).toBe(join(root, "data", "store", "logs"));
  });

  it("keeps absolute dirs and resolves a relative LOG_DIR against the root", () => {
    const { root, pkg } = tempWorkspace();
    const abs = join(tmpdir(), "elsewhere");
    const config = parseConfig({ STORAGE_DIR: abs, LOG_DIR: "var/log" }, { cwd: pkg });
    expect(config.storageDir).toBe(abs);
    expect(config.logDir).toBe(join(root, "var", "log"));
  });

  it("findWorkspaceRoot walks up to pnpm-workspace.yaml and falls back to the start", () => {
    const { root, pkg } = tempWorkspace();
    expect(findWorkspaceRoot(pkg)).toBe(root);
    const lonely = mkdtempSync(join(tmpdir(), "config-no-ws-"));
    expect(findWorkspaceRoot(lonely)).toBe(lonely);
  });
});

describe("ConfigError", () => {
  it.each([
    [{ MAX_CONTENT_LENGTH_MB: "abc" }, "MAX_CONTENT_LENGTH_MB must be a number (got \"abc\")"],
    [{ MAX_CONTENT_LENGTH_MB: "-5" }, "MAX_CONTENT_LENGTH_MB must be greater than 0"],
    [{ MAX_CONTENT_LENGTH_MB: "0" }, "MAX_CONTENT_LENGTH_MB must be greater than 0"],
    [{ MAX_CONTENT_LENGTH_MB: "100000" }, "MAX_CONTENT_LENGTH_MB must be at most 4096"],
    [{ MAX_CONTENT_LENGTH_MB: "0x10" }, "MAX_CONTENT_LENGTH_MB must be a number"],
    [{ PORT: "80a" }, "PORT must be a number"],
    [{ PORT: "70000" }, "PORT must be at most 65535"],
    [{ RATE_LIMIT_PER_MIN: "1.5" }, "RATE_LIMIT_PER_MIN must be a whole number"],
    [{ RATE_LIMIT_ENABLED: "maybe" }, "RATE_LIMIT_ENABLED must be one of 1/0, true/false, yes/no, on/off (got \"maybe\")"],
    [{ QUEUE_ENABLED: "2" }, "QUEUE_ENABLED must be one of"],
    [{ MAX_AUDIO_SECONDS: "Infinity" }, "MAX_AUDIO_SECONDS must be a number"],
    [{ CORS_ALLOWED_ORIGINS: "https://ok.example, not-an-origin" }, "CORS_ALLOWED_ORIGINS must be \"*\" or a comma-separated list"],
    [{ CORS_ALLOWED_ORIGINS: "https://a.example/path" }, "\"https://a.example/path\" is not an origin"],
    [{ CORS_ALLOWED_ORIGINS: "*,https://a.example" }, "CORS_ALLOWED_ORIGINS"],
    [{ CORS_ALLOWED_ORIGINS: " , " }, "CORS_ALLOWED_ORIGINS"],
    [{ DATABASE_URL: "mysql://root@db/app" }, "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    [{ REDIS_URL: "http://cache" }, "REDIS_URL must be a redis:// or rediss:// URL"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got \"verbose\")"],
    [{ NODE_ENV: "staging" }, "NODE_ENV must be one of development, production, test"],
    [{ TRIAL_CREDITS: "-1" }, "TRIAL_CREDITS must be at least 0"],
    [{ TRIAL_CREDITS: "99999999" }, "TRIAL_CREDITS must be at most"],
    [{ ADMIN_EMAIL: "not-an-email" }, "ADMIN_EMAIL must be an email address"],
    [{ QUEUE_NAME: "a:b" }, "QUEUE_NAME must be"],
  ])("rejects %j with one line naming the variable", (env, expected) => {
    const err = configError(env);
    expect(err.message).not.toContain("\n");
    expect(err.message.startsWith("Invalid configuration: ")).toBe(true);
    expect(err.message).toContain(expected);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.variable).toBe(Object.keys(env)[0]);
    expect(formatConfigError(err)).toBe(err.message);
  });

  it("lists every bad variable on one line, joined by '; '", () => {
    const err = configError({ MAX_CONTENT_LENGTH_MB: "abc", LOG_LEVEL: "loud", PORT: "x" });
    expect(err.message).toBe(
      'Invalid configuration: PORT must be a number (got "x"); MAX_CONTENT_LENGTH_MB must be a number (got "abc"); LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
    expect(err.issues.map((i) => i.variable)).toEqual(["PORT", "MAX_CONTENT_LENGTH_MB", "LOG_LEVEL"]);
  });

  it("never echoes connection URLs, which carry passwords", () => {
    const err = configError({
      DATABASE_URL: "mysql://admin:hunter2@db.internal/app",
      REDIS_URL: "not a url with s3cr3t",
    });
    expect(err.message).toContain("DATABASE_URL");
    expect(err.message).toContain("REDIS_URL");
    expect(err.message).not.toContain("hunter2");
    expect(err.message).not.toContain("s3cr3t");
    expect(err.message).not.toContain("db.internal");
    expect(JSON.stringify(err.issues)).not.toContain("hunter2");
  });

  it("keeps one line even when a value contains a newline", () => {
    const err = configError({ PORT: "80\nEVIL" });
    expect(err.message).not.toContain("\n");
  });

  it("formatConfigError ignores other errors", () => {
    expect(formatConfigError(new Error("x"))).toBeUndefined();
    expect(formatConfigError("x")).toBeUndefined();
  });
});

describe("getConfig", () => {
  afterEach(() => resetConfigForTests());

  it("parses process.env once and caches it until reset", () => {
    const first = getConfig();
    expect(getConfig()).toBe(first);
    expect(first.nodeEnv).toBe("test");
    resetConfigForTests();
    const second = getConfig();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });
});

describe("APP_VERSION", () => {
  it("is the root package.json version", () => {
    const root = findWorkspaceRoot(import.meta.dirname);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(APP_VERSION).toBe(pkg.version);
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
