import { createTestDb, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "./root";
import { browser } from "./test-support";

/** The only procedures anyone may call without a session or token. Adding one is a reviewed decision. */
const PUBLIC_PROCEDURES = ["auth.login", "auth.logout", "auth.signup", "health.get"];

const procedures = Object.keys(appRouter._def.procedures).sort();

describe("authorization matrix (tRPC)", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb("pglite");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("lists the public procedures explicitly", () => {
    expect(procedures.filter((path) => PUBLIC_PROCEDURES.includes(path))).toEqual(PUBLIC_PROCEDURES);
  });

  it.each(procedures.filter((path) => !PUBLIC_PROCEDURES.includes(path)))("%s answers UNAUTHORIZED to an anonymous caller", async (path) => {
    const attempt = browser(db).run(async (caller) => {
      const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input?: unknown) => Promise<unknown>;
      return fn({});
    });
    await expect(attempt).rejects.toMatchObject({ cause: { code: "UNAUTHORIZED" } });
  });
});
