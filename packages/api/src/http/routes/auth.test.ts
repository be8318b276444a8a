import { createTestDb, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "../../rate-limit";
import { PASSWORD, testConfig } from "../../test-support";
import { restRoute } from "../rest";
import { authHandlers } from "./auth";

// The exported routes use the process's database; these run the same handlers over a test database.
type Route = ReturnType<typeof restRoute>;

describe("REST auth routes keep the original contract", () => {
  let db: TestDb;
  let route: (name: keyof typeof authHandlers) => Route;
  beforeAll(async () => {
    db = await createTestDb("pglite");
    const deps = { db, config: testConfig(), rateLimiter: createMemoryRateLimiter() };
    route = (name) => restRoute(authHandlers[name], deps);
  });
  afterAll(async () => {
    await db?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    new Request("http://studio.test/api/auth/x", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });

  it("signs up, reads me, logs out and in again", async () => {
    const signup = await route("signup")(post({ email: "rest@example.com", password: PASSWORD, name: "Rest" }));
    expect(signup.status).toBe(201);
    expect(await signup.json()).toMatchObject({ success: true, user: { email: "rest@example.com", name: "Rest" }, credits: 50 });
    const cookie = signup.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).toMatch(/^ms_session=/);

    const me = await route("me")(new Request("http://studio.test/api/auth/me", { headers: { cookie } }));
    expect(await me.json()).toMatchObject({ success: true, user: { email: "rest@example.com" }, credits: 50 });

    const logout = await route("logout")(new Request("http://studio.test/api/auth/logout", { method: "POST", headers: { cookie } }));
    expect(await logout.json()).toEqual({ success: true });
    const after = await route("me")(new Request("http://studio.test/api/auth/me", { headers: { cookie } }));
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });

    const login = await route("login")(post({ email: "REST@example.com", password: PASSWORD }));
    expect(await login.json()).toMatchObject({ success: true, user: { email: "rest@example.com" } });
    expect(login.headers.get("set-cookie")).toMatch(/HttpOnly/);
  });

  it("answers bad bodies with VALIDATION_ERROR naming the field", async () => {
    const res = await route("signup")(post({ email: "x@example.com" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, error: { code: "VALIDATION_ERROR", message: expect.stringMatching(/^password: /) } });
  });
});

