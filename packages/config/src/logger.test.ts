import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";

import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { parseConfig, resetConfigForTests, type Config } from "./env";
import { createLogger, flushLoggers, getLogger, type LogName } from "./logger";

const MiB = 1024 * 1024;
const dirs: string[] = [];

function tempLogConfig(extra: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "config-logs-"));
  dirs.push(dir);
  return parseConfig({ NODE_ENV: "test", LOG_DIR: dir, LOG_LEVEL: "info", ...extra }, { cwd: dir });
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function collector(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, lines: () => text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

afterEach(async () => {
  await flushLoggers();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("rotation", () => {
  it("writes more than 30 MB at the default 5 MB size and keeps exactly 5 backups", async () => {
    const config = tempLogConfig();
    const log = createLogger("api", { config });
    const payload = "x".repeat(128 * 1024);
    // ~41 MiB: enough for 7+ rotations, so the oldest backups must have been dropped.
    const count = 330;
    for (let seq = 0; seq < count; seq++) log.info({ seq, payload });
    await flushLoggers();

    const expected = ["api.log", "api.log.1", "api.log.2", "api.log.3", "api.log.4", "api.log.5"];
    expect(readdirSync(config.logDir).sort()).toEqual(expected);

    const lineBytes = payload.length + 1024;
    for (const name of expected) {
      const size = statSync(join(config.logDir, name)).size;
      expect(size).toBeLessThanOrEqual(5 * MiB + lineBytes);
      if (name !== "api.log") expect(size).toBeGreaterThanOrEqual(5 * MiB);
    }

    // Classic numbering: .5 is the oldest surviving file, api.log the newest,
    // and the very first lines were rotated out.
    const firstSeq = (name: string) => lines(join(config.logDir, name))[0]?.seq as number;
    const order = [...expected].reverse().map(firstSeq);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(firstSeq("api.log.5")).toBeGreaterThan(0);
    const last = lines(join(config.logDir, "api.log")).at(-1);
    expect(last?.seq).toBe(count - 1);
  });

  it("honours smaller maxSize/maxFiles options", async () => {
    const config = tempLogConfig();
    const log = createLogger("tasks", { config, maxSize: "16K", maxFiles: 2 });
    for (let i = 0; i < 200; i++) log.info({ i, pad: "y".repeat(1000) });
    await flushLoggers();
    expect(readdirSync(config.logDir).sort()).toEqual(["tasks.log", "tasks.log.1", "tasks.log.2"]);
  });

  it("keeps a logger usable after flushLoggers (the file reopens)", async () => {
    const config = tempLogConfig();
    const log = createLogger("worker", { config });
    log.info("before");
    await flushLoggers();
    log.info("after");
    await flushLoggers();
    expect(lines(join(config.logDir, "worker.log")).map((l) => l.msg)).toEqual(["before", "after"]);
  });
});

describe("line format", () => {
  it("writes JSON with name, string level, ISO time, pid and hostname", async () => {
    const config = tempLogConfig();
    const out = collector();
    createLogger("api", { config, extraStreams: [out.stream] }).info({ requestId: "r1" }, "hello");
    await flushLoggers();
    const [line] = out.lines();
    expect(line).toMatchObject({ level: "info", name: "api", requestId: "r1", msg: "hello", pid: process.pid });
    expect(typeof line?.hostname).toBe("string");
    expect(new Date(line?.time as string).toISOString()).toBe(line?.time);
    expect(lines(join(config.logDir, "api.log"))).toEqual([line]);
  });

  it("filters by level", async () => {
    const out = collector();
    const log = createLogger("api", { config: tempLogConfig(), level: "warn", extraStreams: [out.stream] });
    log.info("hidden");
    log.warn("shown");
    expect(out.lines().map((l) => l.msg)).toEqual(["shown"]);
  });

  it("sends each named log to its own file", async () => {
    const config = tempLogConfig();
    const names: LogName[] = ["api", "tasks", "worker"];
    for (const name of names) createLogger(name, { config }).info(`to ${name}`);
    await flushLoggers();
    expect(readdirSync(config.logDir).sort()).toEqual(["api.log", "tasks.log", "worker.log"]);
    for (const name of names) {
      expect(lines(join(config.logDir, `${name}.log`))).toEqual([
        expect.objectContaining({ name, msg: `to ${name}` }),
      ]);
    }
  });
});

describe("errors", () => {
  it("carries the stack trace under err and error", async () => {
    const config = tempLogConfig();
    const log = createLogger("tasks", { config });
    function failingStep(): never {
      throw new Error("render failed", { cause: new Error("disk full") });
    }
    try {
      failingStep();
    } catch (err) {
      log.error({ err, jobId: "j1" }, "job failed");
      log.error({ error: err }, "again");
    }
    log.error(new TypeError("bare"));
    await flushLoggers();

    const [first, second, third] = lines(join(config.logDir, "tasks.log"));
    const e1 = first?.err as { type: string; message: string; stack: string };
    expect(e1.type).toBe("Error");
    expect(e1.message).toContain("render failed");
    expect(e1.stack).toContain("failingStep");
    expect(e1.stack).toContain("caused by: Error: disk full");
    expect((second?.error as { stack: string }).stack).toContain("failingStep");
    expect(third).toMatchObject({ msg: "bare", err: { type: "TypeError", message: "bare" } });
  });
});

describe("redaction", () => {
  it("removes secrets at any depth and keeps everything else", async () => {
    const config = tempLogConfig();
    const log = createLogger("api", { config });
    const input = {
      password: "SECRET-pw-top",
      input: { user: { name: "alice", password: "SECRET-pw-deep", newPassword: "SECRET-new", currentPassword: "SECRET-cur" } },
      req: { headers: { Authorization: "Bearer SECRET-auth", COOKIE: "sid=SECRET-cookie", "set-cookie": ["sid=SECRET-set"], accept: "audio/wav" } },
      sessions: [{ id: "s1", token: "SECRET-tok" }, [{ deeper: { accessToken: "SECRET-at", refreshToken: "SECRET-rt" } }]],
      apiToken: "SECRET-api",
      config: { secret: "SECRET-cfg", voice: "alto" },
    };
    const before = structuredClone(input);
    log.info(input, "login attempt");
    log.child({ userId: "u1", token: "SECRET-child" }).child({ nested: { password: "SECRET-grandchild" } }).info("child");
    const err = Object.assign(new Error("upstream 401"), { config: { headers: { authorization: "Bearer SECRET-in-error" } } });
    log.error({ err }, "upstream failed");
    await flushLoggers();

    const text = readFileSync(join(config.logDir, "api.log"), "utf8");
    expect(text).not.toContain("SECRET");
    for (const visible of ["alice", "audio/wav", "s1", "alto", "login attempt", "u1", "upstream 401"]) {
      expect(text).toContain(visible);
    }
    expect(text).toContain('"password":"[Redacted]"');
    // The caller's object is untouched.
    expect(input).toEqual(before);
  });
});

describe("getLogger", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTests();
  });

  it("returns one cached logger per name, writing under the configured LOG_DIR", async () => {
    const dir = mkdtempSync(join(tmpdir(), "config-getlogger-"));
    dirs.push(dir);
    vi.stubEnv("LOG_DIR", dir);
    resetConfigForTests();
    const log = getLogger("worker");
    expect(getLogger("worker")).toBe(log);
    expect(getLogger("api")).not.toBe(log);
    log.info("cached");
    await flushLoggers();
    expect(readdirSync(dir)).toContain("worker.log");
  });
});
