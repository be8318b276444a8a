import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { findWorkspaceRoot } from "@mini-studio/config";
import { describe, expect, it } from "vitest";
import { progressBar } from "./progress";

/** Runs `pnpm studio ...` from the repository root, as a user would (`--silent` keeps pnpm's own banner out). */
function studio(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("pnpm", ["--silent", "studio", ...args], {
    cwd: findWorkspaceRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("studio command line", () => {
  it("lists its subcommands in --help", () => {
    const { code, stdout } = studio(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: studio/);
    expect(stdout).toMatch(/^\s+config\b/m);
  });

  it("shows the settings in effect with passwords hidden", () => {
    const { code, stdout } = studio(["config", "--json"], {
      DATABASE_URL: "postgresql://studio:s3cret-pw@db.internal:5432/studio",
      RQ_ENABLED: "1",
      REDIS_URL: "redis://127.0.0.1:6379",
      MAX_CONTENT_LENGTH_MB: "64",
    });
    expect(code).toBe(0);
    const shown = JSON.parse(stdout);
    expect(shown).toMatchObject({ maxContentLengthMb: 64, dbMode: "postgres", queueMode: "queue", queueName: "mini_studio" });
    expect(shown.databaseUrl).toBe("postgresql://studio:***@db.internal:5432/studio");
    expect(stdout).not.toContain("s3cret-pw");
  });

  it("stops on a bad setting with one line naming it", () => {
    const { code, stderr } = studio(["config"], { RATE_LIMIT_PER_MIN: "lots" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/RATE_LIMIT_PER_MIN/);
  });

  it("refuses an unknown subcommand", () => {
    const { code, stderr } = studio(["frobnicate"]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe("progress bar", () => {
  it("prints each 10% step once in a log, and clamps odd fractions", async () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk) => (text += chunk));
    const bar = await progressBar("render", Object.assign(out, { isTTY: false }) as unknown as NodeJS.WriteStream);
    for (let i = 0; i <= 100; i++) bar.update(i / 100, "mixing");
    bar.update(Number.NaN);
    bar.update(7);
    bar.stop();
    const lines = text.trim().split("\n");
    expect(lines[0]).toBe("render: 0% (mixing)");
    expect(lines).toContain("render: 50% (mixing)");
    expect(lines.filter((line) => line.startsWith("render: 100%"))).toHaveLength(2);
    expect(lines).toHaveLength(13);
  });
});
