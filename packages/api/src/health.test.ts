import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findWorkspaceRoot, getConfig } from "@mini-studio/config";
import { createTestDb, dbKinds } from "@mini-studio/db/testing";
import { describe, expect, it } from "vitest";
import { createContext } from "./context";
import { createCaller } from "./root";

const version = JSON.parse(readFileSync(join(findWorkspaceRoot(), "package.json"), "utf8")).version as string;

describe.each(await dbKinds())("health on %s", (kind) => {
  it("reports the database, the queue mode and the version", async () => {
    const db = await createTestDb(kind);
    try {
      const caller = createCaller(await createContext({ headers: new Headers(), db }));
      expect(await caller.health.get()).toEqual({ db: kind, queue: getConfig().queueMode, version });
    } finally {
      await db.close();
    }
  });

  it("answers SERVICE_UNAVAILABLE when the database is gone", async () => {
    const db = await createTestDb(kind);
    await db.close();
    const caller = createCaller(await createContext({ headers: new Headers(), db }));
    await expect(caller.health.get()).rejects.toMatchObject({ cause: { code: "SERVICE_UNAVAILABLE" } });
  });
});
