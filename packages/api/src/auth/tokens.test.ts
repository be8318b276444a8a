import { createTestDb, dbKinds, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browser, PASSWORD } from "../test-support";

describe.each(await dbKinds())("API tokens on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function signedIn(email: string) {
    const b = browser(db);
    await b.run((c) => c.auth.signup({ email, password: PASSWORD }));
    return b;
  }

  it("shows a token once, stores only its hash, and accepts it as a Bearer credential", async () => {
    const owner = await signedIn("scripter@example.com");
    const { token, apiToken } = await owner.run((c) => c.auth.tokens.create({ name: "laptop script" }));
    expect(token).toMatch(/^ms_tok_[\w-]{43}$/);
    expect(token.startsWith(apiToken.prefix)).toBe(true);

    const listed = await owner.run((c) => c.auth.tokens.list());
    expect(listed).toEqual([expect.objectContaining({ id: apiToken.id, name: "laptop script", prefix: apiToken.prefix })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(JSON.stringify(row)).not.toContain(token);

    const script = browser(db, { headers: { authorization: `Bearer ${token}` } });
    expect(await script.run((c) => c.auth.me())).toMatchObject({ user: { email: "scripter@example.com" }, credits: 50 });
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt).not.toBeNull();

    await owner.run((c) => c.auth.tokens.revoke({ id: apiToken.id }));
    await expect(script.run((c) => c.auth.me())).rejects.toMatchObject({ cause: { code: "UNAUTHORIZED" } });
    expect(await owner.run((c) => c.auth.tokens.list())).toEqual([]);
  });

  it("refuses unknown, malformed and expired tokens", async () => {
    const owner = await signedIn("expiring@example.com");
    const { token, apiToken } = await owner.run((c) => c.auth.tokens.create({ name: "short", expiresInDays: 1 }));
    await db.prisma.apiToken.update({ where: { id: apiToken.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    for (const credential of [token, "ms_tok_unknown", "garbage", `${token}x`]) {
      const b = browser(db, { headers: { authorization: `Bearer ${credential}` } });
      await expect(b.run((c) => c.credits.balance())).rejects.toMatchObject({ cause: { code: "UNAUTHORIZED" } });
    }
  });

  it("never lets one user see or revoke another's tokens or ledger (no IDOR)", async () => {
    const alice = await signedIn("alice@example.com");
    const bob = await signedIn("bob@example.com");
    const { apiToken: bobToken, token: bobSecret } = await bob.run((c) => c.auth.tokens.create({ name: "bob's" }));
    await alice.run((c) => c.auth.tokens.create({ name: "alice's" }));

    expect((await alice.run((c) => c.auth.tokens.list())).map((t) => t.name)).toEqual(["alice's"]);
    await expect(alice.run((c) => c.auth.tokens.revoke({ id: bobToken.id }))).rejects.toMatchObject({ cause: { code: "NOT_FOUND" } });
    const bobScript = browser(db, { headers: { authorization: `Bearer ${bobSecret}` } });
    expect((await bobScript.run((c) => c.auth.me())).user.email).toBe("bob@example.com");

    const bobHistory = await bob.run((c) => c.credits.history({}));
    const aliceHistory = await alice.run((c) => c.credits.history({}));
    expect(aliceHistory.items.map((e) => e.id)).not.toContain(bobHistory.items[0]!.id);
    await expect(alice.run((c) => c.credits.history({ cursor: bobHistory.items[0]!.id }))).rejects.toMatchObject({
      cause: { code: "VALIDATION_ERROR" },
    });
  });
});
