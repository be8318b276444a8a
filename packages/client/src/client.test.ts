import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  appErrorCode,
  appErrorDetails,
  createMiniStudioClient,
  TRPCClientError,
  trpcUrl,
  type RouterInputs,
  type RouterOutputs,
} from "./index";

type Recorded = { method: string; url: URL; headers: IncomingHttpHeaders; body: string };
type Answer = { status: number; body: unknown };

/** A stand-in studio: records each request and answers with whatever the test queued. */
let server: Server;
let baseUrl: string;
let requests: Recorded[] = [];
let answer: (req: Recorded) => Answer;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded = {
      method: req.method ?? "",
      url: new URL(req.url ?? "/", baseUrl),
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(recorded);
    const { status, body } = answer(recorded);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
});

/** One successful batch item, serialised the way the studio's superjson transformer does. */
const ok = (data: unknown) => ({ result: { data: superjson.serialize(data) } });

const unauthorized = {
  error: superjson.serialize({
    message: "Sign in to do this.",
    code: -32001,
    data: {
      code: "UNAUTHORIZED",
      httpStatus: 401,
      path: "credits.balance",
      appCode: "UNAUTHORIZED",
      details: { reason: "token revoked" },
      zodError: null,
    },
  }),
};

describe("baseUrl", () => {
  it.each([
    ["localhost:3000", /http or https/],
    ["ftp://example.com", /http or https/],
    ["file:///etc/passwd", /http or https/],
    ["not a url", /absolute http\(s\) URL/],
    ["", /absolute http\(s\) URL/],
    ["/api/trpc", /absolute http\(s\) URL/],
    ["http://me:secret@example.com", /user name or password/],
  ])("refuses %j with a clear message", (url, message) => {
    expect(() => createMiniStudioClient({ baseUrl: url })).toThrow(message);
  });

  it.each([
    ["http://localhost:3000", "http://localhost:3000/api/trpc"],
    ["http://localhost:3000/", "http://localhost:3000/api/trpc"],
    ["https://studio.example.com/?x=1#top", "https://studio.example.com/api/trpc"],
    ["https://example.com/studio/", "https://example.com/studio/api/trpc"],
    [new URL("http://127.0.0.1:8080"), "http://127.0.0.1:8080/api/trpc"],
  ])("serves %s at %s", (url, expected) => {
    expect(trpcUrl(url)).toBe(expected);
  });

  it("refuses a blank token or one with spaces", () => {
    expect(() => createMiniStudioClient({ baseUrl, token: "" })).toThrow(/token/);
    expect(() => createMiniStudioClient({ baseUrl, token: "ms_tok_abc\n" })).toThrow(/token/);
  });
});

describe("requests", () => {
  it("sends the token as a Bearer header and decodes the answer", async () => {
    answer = () => ({ status: 200, body: [ok({ balance: 42 })] });
    const client = createMiniStudioClient({ baseUrl, token: "ms_tok_test123" });

    await expect(client.credits.balance.query()).resolves.toEqual({ balance: 42 });

    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.method).toBe("GET");
    expect(req?.url.pathname).toBe("/api/trpc/credits.balance");
    expect(req?.url.searchParams.get("batch")).toBe("1");
    expect(req?.headers.authorization).toBe("Bearer ms_tok_test123");
  });

  it("sends no Authorization header without a token, and merges extra headers", async () => {
    answer = () => ({ status: 200, body: [ok({ db: "pglite", queue: "direct", version: "0.1.0" })] });
    const client = createMiniStudioClient({ baseUrl, headers: { cookie: "ms_session=abc", "x-request-id": "r-1" } });

    await client.health.get.query();

    expect(requests[0]?.headers.authorization).toBeUndefined();
    expect(requests[0]?.headers.cookie).toBe("ms_session=abc");
    expect(requests[0]?.headers["x-request-id"]).toBe("r-1");
  });

  it("sends mutations as JSON POSTs and revives dates through superjson", async () => {
    const createdAt = new Date("2025-01-02T03:04:05.000Z");
    answer = (req) =>
      req.url.pathname.endsWith("auth.tokens.list")
        ? { status: 200, body: [ok([{ id: "t1", name: "ci", prefix: "ms_tok_abcdefg", createdAt, lastUsedAt: null, expiresAt: null }])] }
        : { status: 200, body: [ok({ revoked: true })] };
    const client = createMiniStudioClient({ baseUrl, token: "ms_tok_test123", headers: () => ({ "x-extra": "yes" }) });

    await expect(client.auth.tokens.revoke.mutate({ id: "t1" })).resolves.toEqual({ revoked: true });
    const [post] = requests;
    expect(post?.method).toBe("POST");
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(post?.headers.authorization).toBe("Bearer ms_tok_test123");
    expect(post?.headers["x-extra"]).toBe("yes");
    expect(JSON.parse(post?.body ?? "")).toEqual({ 0: { json: { id: "t1" } } });

    const [token] = await client.auth.tokens.list.query();
    expect(token?.createdAt).toBeInstanceOf(Date);
    expect(token?.createdAt.toISOString()).toBe(createdAt.toISOString());
  });

  it("batches calls made together into one request", async () => {
    answer = () => ({ status: 200, body: [ok({ balance: 1 }), ok({ db: "pglite", queue: "direct", version: "x" })] });
    const client = createMiniStudioClient({ baseUrl, token: "ms_tok_test123" });

    const [balance, health] = await Promise.all([client.credits.balance.query(), client.health.get.query()]);

    expect(balance.balance).toBe(1);
    expect(health.db).toBe("pglite");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url.pathname).toBe("/api/trpc/credits.balance,health.get");
  });

  it("uses the fetch it is given", async () => {
    answer = () => ({ status: 200, body: [ok({ balance: 3 })] });
    const seen: string[] = [];
    const client = createMiniStudioClient({
      baseUrl,
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init as RequestInit);
      },
    });

    await client.credits.balance.query();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/\/api\/trpc\/credits\.balance\?batch=1/);
  });
});

describe("appErrorCode", () => {
  it("reads the studio's code and details from a refused call", async () => {
    answer = () => ({ status: 401, body: [unauthorized] });
    const client = createMiniStudioClient({ baseUrl, token: "ms_tok_revoked" });

    const error = await client.credits.balance.query().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TRPCClientError);
    expect(appErrorCode(error)).toBe("UNAUTHORIZED");
    expect(appErrorDetails(error)).toEqual({ reason: "token revoked" });
    expect((error as Error).message).toBe("Sign in to do this.");
  });

  it("is undefined for anything that is not a studio answer", async () => {
    const unreachable = createMiniStudioClient({ baseUrl: "http://127.0.0.1:1" });
    const networkError = await unreachable.health.get.query().catch((e: unknown) => e);

    expect(networkError).toBeInstanceOf(TRPCClientError);
    expect(appErrorCode(networkError)).toBeUndefined();
    expect(appErrorCode(new Error("boom"))).toBeUndefined();
    expect(appErrorCode({ data: { appCode: "UNAUTHORIZED" } })).toBeUndefined();
    expect(appErrorCode(undefined)).toBeUndefined();
    expect(appErrorDetails(networkError)).toBeUndefined();
  });
});

describe("types", () => {
  it("follows the router", () => {
    expectTypeOf<RouterOutputs["credits"]["balance"]>().toEqualTypeOf<{ balance: number }>();
    expectTypeOf<RouterInputs["auth"]["tokens"]["create"]>().toMatchTypeOf<{ name: string; expiresInDays?: number }>();
    expectTypeOf<RouterOutputs["auth"]["tokens"]["create"]["token"]>().toEqualTypeOf<string>();
  });
});

describe("package boundary", () => {
  it("imports the server's types only, never its code", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const dir = new URL(".", import.meta.url);
    const sources = (await readdir(dir)).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
    expect(sources.length).toBeGreaterThan(0);
    for (const name of sources) {
      const text = await readFile(new URL(name, dir), "utf8");
      const valueImports = text.match(/^(?:import|export)\s+(?!type\b)[^;]*from\s+["']@mini-studio\/(?!client)[^"']+["']/gm);
      expect(valueImports, name).toBeNull();
    }
  });
});
