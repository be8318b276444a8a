import { createTestDb, dbKinds, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "../rate-limit";
import { browser, PASSWORD, testConfig } from "../test-support";

describe.each(await dbKinds())("accounts on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("signs up with trial credits, a normalised email, an argon2id hash and a session cookie", async () => {
    const b = browser(db);
    const result = await b.run((c) => c.auth.signup({ email: "  Ada@Example.COM ", password: PASSWORD, name: "Ada" }));
    expect(result.user).toMatchObject({ email: "ada@example.com", name: "Ada", role: "USER" });
    expect(result.credits).toBe(50);

    const [cookie] = b.lastSetCookie();
    expect(cookie).toMatch(/^ms_session=ms_sess_[\w-]{43}; /);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const me = await b.run((c) => c.auth.me());
    expect(me).toMatchObject({ user: { email: "ada@example.com" }, credits: 50 });

    const row = await db.prisma.user.findUniqueOrThrow({ where: { email: "ada@example.com" } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    const session = await db.prisma.session.findFirstOrThrow({ where: { userId: row.id } });
    expect(session.tokenHash).not.toContain(b.cookie()!.split("=")[1]);
  });

  it("marks the cookie Secure when served over https", async () => {
    const b = browser(db, { headers: { "x-forwarded-proto": "https" } });
    await b.run((c) => c.auth.signup({ email: "secure@example.com", password: PASSWORD }));
    expect(b.lastSetCookie()[0]).toMatch(/; Secure/);
  });

  it("refuses a second account for the same email, however it is written, and adds nothing", async () => {
    const b = browser(db);
    await b.run((c) => c.auth.signup({ email: "twin@example.com", password: PASSWORD }));
    const again = browser(db).run((c) => c.auth.signup({ email: "TWIN@example.com ", password: "another password 1" }));
    await expect(again).rejects.toMatchObject({ cause: { code: "CONFLICT" } });
    expect(await db.prisma.user.count({ where: { email: "twin@example.com" } })).toBe(1);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "twin@example.com" } });
    expect(await db.prisma.creditLedger.count({ where: { userId: user.id } })).toBe(1);
  });

  it.each([
    ["a short password", { email: "short@example.com", password: "1234567" }, /at least 8/],
    ["a long password", { email: "long@example.com", password: "x".repeat(129) }, /at most 128/],
    ["a bad email", { email: "not-an-email", password: PASSWORD }, /valid email/],
    ["a huge email", { email: `${"a".repeat(300)}@example.com`, password: PASSWORD }, /254/],
  ])("refuses %s with VALIDATION_ERROR and creates nothing", async (_label, input, message) => {
    const before = await db.prisma.user.count();
    const attempt = browser(db).run((c) => c.auth.signup(input));
    await expect(attempt).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await attempt.catch((error: Error) => expect(error.message).toMatch(message));
    expect(await db.prisma.user.count()).toBe(before);
  });

  it("answers a wrong password and an unknown email with the same error", async () => {
    await browser(db).run((c) => c.auth.signup({ email: "known@example.com", password: PASSWORD }));
    const wrong = await browser(db).run((c) => c.auth.login({ email: "known@example.com", password: "wrong password" })).catch((e: unknown) => e);
    const unknown = await browser(db).run((c) => c.auth.login({ email: "nobody@example.com", password: "wrong password" })).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ cause: { code: "UNAUTHORIZED", message: "Invalid email or password." } });
    expect(unknown).toMatchObject({ cause: { code: "UNAUTHORIZED", message: "Invalid email or password." } });
  });

  it("logs in, and logout revokes the session on the server", async () => {
    await browser(db).run((c) => c.auth.signup({ email: "leaver@example.com", password: PASSWORD }));
    const b = browser(db);
    await b.run((c) => c.auth.login({ email: "Leaver@example.com", password: PASSWORD }));
    const stolen = b.cookie();
    expect((await b.run((c) => c.auth.me())).user.email).toBe("leaver@example.com");

    await b.run((c) => c.auth.logout());
    expect(b.lastSetCookie()[0]).toMatch(/^ms_session=; .*Max-Age=0/);

    const replay = browser(db);
    replay.setCookie(stolen);
    await expect(replay.run((c) => c.auth.me())).rejects.toMatchObject({ cause: { code: "UNAUTHORIZED" } });
  });

  it("expires sessions, and slides a session that is still in use", async () => {
    const b = browser(db);
    await b.run((c) => c.auth.signup({ email: "slider@example.com", password: PASSWORD }));
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "slider@example.com" } });

    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    const soon = new Date(Date.now() + 60_000);
    await db.prisma.session.updateMany({ where: { userId: user.id }, data: { lastSeenAt: twoHoursAgo, expiresAt: soon } });
    await b.run((c) => c.auth.me());
    const slid = await db.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(slid.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(b.lastSetCookie()[0]).toMatch(/Max-Age=25\d{5}/);

    await db.prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(b.run((c) => c.auth.me())).rejects.toMatchObject({ cause: { code: "UNAUTHORIZED" } });
  });

  it("rate-limits login failures per account, even for the right password afterwards", async () => {
    await browser(db).run((c) => c.auth.signup({ email: "target@example.com", password: PASSWORD }));
    const rateLimiter = createMemoryRateLimiter();
    // Each attempt from a different address: the account budget alone must stop them.
    for (let i = 0; i < 10; i++) {
      const attempt = browser(db, { rateLimiter, ip: `198.51.100.${i}` }).run((c) =>
        c.auth.login({ email: "target@example.com", password: `guess-${i}` }),
      );
      await expect(attempt).rejects.toMatchObject({ cause: { code: "UNAUTHORIZED" } });
    }
    const b = browser(db, { rateLimiter, ip: "198.51.100.99" });
    await expect(b.run((c) => c.auth.login({ email: "target@example.com", password: PASSWORD }))).rejects.toMatchObject({
      cause: { code: "RATE_LIMITED" },
    });
    expect(b.lastHeaders().get("retry-after")).toMatch(/^\d+$/);
  });

  it("rate-limits login failures per address across accounts", async () => {
    const rateLimiter = createMemoryRateLimiter();
    const attacker = () => browser(db, { rateLimiter, ip: "192.0.2.66" });
    for (let i = 0; i < 50; i++) {
      await expect(attacker().run((c) => c.auth.login({ email: `victim${i}@example.com`, password: "guess" }))).rejects.toMatchObject({
        cause: { code: "UNAUTHORIZED" },
      });
    }
    await expect(attacker().run((c) => c.auth.login({ email: "victim99@example.com", password: "guess" }))).rejects.toMatchObject({
      cause: { code: "RATE_LIMITED" },
    });
    // Someone else, elsewhere, is not affected.
    await browser(db).run((c) => c.auth.signup({ email: "bystander@example.com", password: PASSWORD }));
    await expect(browser(db, { rateLimiter, ip: "192.0.2.67" }).run((c) => c.auth.login({ email: "bystander@example.com", password: PASSWORD }))).resolves.toBeTruthy();
  });

  it("makes the ADMIN_EMAIL account the admin, who alone can grant credits", async () => {
    const config = testConfig({ ADMIN_EMAIL: "boss@example.com" });
    const admin = browser(db, { config });
    const { user } = await admin.run((c) => c.auth.signup({ email: "Boss@Example.com", password: PASSWORD }));
    expect(user.role).toBe("ADMIN");
    const member = browser(db, { config });
    const { user: someone } = await member.run((c) => c.auth.signup({ email: "member@example.com", password: PASSWORD }));
    expect(someone.role).toBe("USER");

    expect(await admin.run((c) => c.credits.grant({ userId: someone.id, amount: 25, reason: "beta tester" }))).toEqual({ balance: 75 });
    await expect(member.run((c) => c.credits.grant({ userId: someone.id, amount: 25, reason: "me" }))).rejects.toMatchObject({
      cause: { code: "FORBIDDEN" },
    });
    expect((await member.run((c) => c.credits.balance())).balance).toBe(75);
  });
});
