import { findWorkspaceRoot } from "@mini-studio/config";
import { appErrorCode, createMiniStudioClient } from "@mini-studio/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, startStudio, type CommandResult, type Studio } from "./support/server";

/** Runs the documented example command against the studio, as a user would from the repository root. */
function runBalanceExample(env: Record<string, string>): Promise<CommandResult> {
  return runCommand("pnpm", ["--filter", "@mini-studio/client", "example:balance"], {
    cwd: findWorkspaceRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

describe("the TypeScript client against a production build", () => {
  const email = `client-${Date.now()}@example.com`;
  let studio: Studio;
  let cookie: string;

  beforeAll(async () => {
    studio = await startStudio();
    const res = await fetch(`${studio.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "a-long-enough-password-42", name: "Client Tester" }),
    });
    expect(res.status).toBe(201);
    const session = res.headers.getSetCookie().find((value) => value.startsWith("ms_session="));
    expect(session).toBeTruthy();
    cookie = session!.split(";")[0]!;
  });
  afterAll(async () => {
    await studio?.stop();
  });

  /** A token made the way the README says: `auth.tokens.create` while signed in. */
  async function createToken(name: string): Promise<{ token: string; id: string }> {
    const signedIn = createMiniStudioClient({ baseUrl: studio.url, headers: { cookie } });
    const { token, apiToken } = await signedIn.auth.tokens.create.mutate({ name });
    return { token, id: apiToken.id };
  }

  it("reads the balance and the account with an API token", async () => {
    const { token } = await createToken("e2e read");
    expect(token).toMatch(/^ms_tok_/);

    const client = createMiniStudioClient({ baseUrl: studio.url, token });
    const [me, balance] = await Promise.all([client.auth.me.query(), client.credits.balance.query()]);

    expect(balance).toEqual({ balance: 50 });
    expect(me.user.email).toBe(email);
    expect(me.credits).toBe(50);
  });

  it("runs the balance example against the studio", async () => {
    const { token } = await createToken("e2e example");

    const { code, stdout, stderr } = await runBalanceExample({ MINI_STUDIO_URL: studio.url, MINI_STUDIO_TOKEN: token });

    expect(stderr).not.toMatch(/Could not|refused/);
    expect(code).toBe(0);
    expect(stdout).toContain(`user: ${email}`);
    expect(stdout).toContain("balance: 50 credits");
  });

  it("refuses a token once it is revoked, in the client and in the example", async () => {
    const { token, id } = await createToken("e2e revoke");
    const client = createMiniStudioClient({ baseUrl: studio.url, token });
    await expect(client.credits.balance.query()).resolves.toEqual({ balance: 50 });

    await expect(client.auth.tokens.revoke.mutate({ id })).resolves.toEqual({ revoked: true });

    const error = await client.credits.balance.query().catch((e: unknown) => e);
    expect(appErrorCode(error)).toBe("UNAUTHORIZED");

    const example = await runBalanceExample({ MINI_STUDIO_URL: studio.url, MINI_STUDIO_TOKEN: token });
    expect(example.code).toBe(1);
    expect(example.stderr).toContain("refused the token");
    expect(example.stdout).not.toContain("balance:");
  });

  it("answers a client without a token with UNAUTHORIZED on private procedures only", async () => {
    const anonymous = createMiniStudioClient({ baseUrl: studio.url });

    await expect(anonymous.health.get.query()).resolves.toMatchObject({ db: "pglite" });
    const error = await anonymous.credits.balance.query().catch((e: unknown) => e);
    expect(appErrorCode(error)).toBe("UNAUTHORIZED");
  });

  it("tells the user to set the token when the example runs without one", async () => {
    const { code, stderr } = await runBalanceExample({ MINI_STUDIO_URL: studio.url });
    expect(code).toBe(1);
    expect(stderr).toContain("MINI_STUDIO_TOKEN is not set");
  });
});
