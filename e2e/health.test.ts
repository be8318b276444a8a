import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findWorkspaceRoot } from "@mini-studio/config";
import { serviceAvailable, testServices } from "@mini-studio/config/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPreflight, startStudio, type Studio } from "./support/server";

const version = JSON.parse(readFileSync(join(findWorkspaceRoot(), "package.json"), "utf8")).version as string;

describe("pnpm start on embedded defaults", () => {
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio();
  });
  afterAll(async () => {
    await studio?.stop();
  });

  it("serves /api/health with the embedded database and direct jobs", async () => {
    const res = await fetch(`${studio.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await res.json()).toEqual({ success: true, db: "pglite", queue: "direct", version });
  });

  it("answers the same over tRPC", async () => {
    const res = await fetch(`${studio.url}/api/trpc/health.get`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { json: unknown } } };
    expect(body.result.data.json).toEqual({ db: "pglite", queue: "direct", version });
  });

  it("answers unknown API paths in the API's own shape", async () => {
    const res = await fetch(`${studio.url}/api/no/such/thing`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
  });

  it("keeps its data under STORAGE_DIR and never logs a password it was sent", async () => {
    const password = "correct-horse-battery-staple-4711";
    const body = JSON.stringify({ email: "a@example.com", password, json: { password } });
    await fetch(`${studio.url}/api/auth/login`, { method: "POST", body, headers: { "content-type": "application/json" } });
    await fetch(`${studio.url}/api/trpc/auth.login`, { method: "POST", body, headers: { "content-type": "application/json" } });
    await fetch(`${studio.url}/api/health`, { headers: { authorization: `Bearer ${password}`, cookie: `session=${password}` } });

    const logDir = join(studio.storageDir, "logs");
    await expect.poll(() => readdirSync(logDir)).toContain("api.log");
    const logs = readdirSync(logDir).map((name) => readFileSync(join(logDir, name), "utf8")).join("\n");
    expect(logs).toContain('"path":"/api/health"');
    expect(logs).not.toContain(password);
    expect(readdirSync(join(studio.storageDir, "db")).length).toBeGreaterThan(0);
  });
});

describe.skipIf(!(await serviceAvailable("postgres")))("pnpm start with DATABASE_URL", () => {
  const dbName = `ms_e2e_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: testServices().databaseUrl });
  let studio: Studio;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(testServices().databaseUrl);
    url.pathname = `/${dbName}`;
    studio = await startStudio({ DATABASE_URL: url.toString() });
  });
  afterAll(async () => {
    await studio?.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  it("serves /api/health from PostgreSQL, migrated at startup", async () => {
    const res = await fetch(`${studio.url}/api/health`);
    expect(await res.json()).toEqual({ success: true, db: "postgres", queue: "direct", version });
    const url = new URL(testServices().databaseUrl);
    url.pathname = `/${dbName}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL");
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});

describe("startup with a bad setting", () => {
  it("stops with one line that names the variable", async () => {
    const { code, stderr } = await runPreflight({ MAX_CONTENT_LENGTH_MB: "abc" });
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/MAX_CONTENT_LENGTH_MB/);
  });

  it("never prints the password of a bad DATABASE_URL", async () => {
    const { code, stderr } = await runPreflight({ DATABASE_URL: "mysql://root:hunter2-secret@localhost/db" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATABASE_URL/);
    expect(stderr).not.toContain("hunter2-secret");
  });
});
