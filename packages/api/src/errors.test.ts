import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createDb, type Db } from "@mini-studio/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createContext } from "./context";
import { APP_ERROR_CODES, APP_ERROR_TABLE, AppError, type AppErrorCode } from "./errors";
import { fail, ok, readJson, restRoute } from "./http/rest";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "./trpc";

// A router that fails on purpose, so every mapping is seen through the real fetch adapter.
const failing = createTRPCRouter({
  fail: publicProcedure.input(z.object({ code: z.enum(APP_ERROR_CODES) })).query(({ input }) => {
    throw new AppError(input.code, `failed with ${input.code}`, { details: { asked: input.code } });
  }),
  crash: publicProcedure.query(() => {
    throw new Error("secret internal detail: connection string postgres://u:pw@db");
  }),
  needsName: publicProcedure.input(z.object({ name: z.string().min(3) })).mutation(({ input }) => input.name),
  mine: protectedProcedure.query(({ ctx }) => ctx.session.userId),
});

let db: Db;
beforeAll(async () => {
  db = await createDb({ pgliteDir: "memory" });
});
afterAll(async () => {
  await db?.close();
});

async function callTrpc(path: string, init: { input?: unknown; method?: "GET" | "POST" } = {}) {
  const method = init.method ?? "GET";
  const encoded = encodeURIComponent(JSON.stringify({ json: init.input }));
  const url = `http://studio.test/api/trpc/${path}${method === "GET" ? `?input=${encoded}` : ""}`;
  const req = new Request(url, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify({ json: init.input }) : undefined,
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: failing,
    createContext: () => createContext({ headers: req.headers, db }),
  });
  // superjson wraps the error shape as `{ json: ... }`, as a tRPC client would receive it.
  const raw = (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } };
  return { status: res.status, body: { error: raw.error.json } };
}

describe("AppError over tRPC", () => {
  it.each(APP_ERROR_CODES.filter((code) => code !== "INTERNAL_ERROR"))("%s keeps its code, status and message", async (code) => {
    const { status, body } = await callTrpc("fail", { input: { code } });
    expect(status).toBe(APP_ERROR_TABLE[code].status);
    expect(body.error.message).toBe(`failed with ${code}`);
    expect(body.error.data).toMatchObject({ appCode: code, code: APP_ERROR_TABLE[code].trpc, details: { asked: code } });
  });

  it("hides the message of an unexpected error behind INTERNAL_ERROR", async () => {
    const { status, body } = await callTrpc("crash");
    expect(status).toBe(500);
    expect(body.error.data.appCode).toBe("INTERNAL_ERROR");
    expect(JSON.stringify(body)).not.toContain("secret internal detail");
  });

  it("turns bad input into VALIDATION_ERROR with the flattened field errors", async () => {
    const { status, body } = await callTrpc("needsName", { method: "POST", input: { name: "x" } });
    expect(status).toBe(400);
    expect(body.error.data.appCode).toBe("VALIDATION_ERROR");
    expect(body.error.data.zodError).toMatchObject({ fieldErrors: { name: [expect.any(String)] } });
    expect(body.error.message).toMatch(/^name: /);
  });

  it("refuses protected procedures without a session", async () => {
    const { status, body } = await callTrpc("mine");
    expect(status).toBe(401);
    expect(body.error.data.appCode).toBe("UNAUTHORIZED");
  });

  it("answers NOT_FOUND for an unknown procedure", async () => {
    const { status, body } = await callTrpc("nope");
    expect(status).toBe(404);
    expect(body.error.data.appCode).toBe("NOT_FOUND");
  });
});

describe("AppError over REST", () => {
  const route = (handler: Parameters<typeof restRoute>[0]) => restRoute(handler, { db });

  it.each(APP_ERROR_CODES)("%s becomes {success:false,error} with its status", async (code: AppErrorCode) => {
    const res = fail(new AppError(code, "why", { details: { field: "x" } }));
    expect(res.status).toBe(APP_ERROR_TABLE[code].status);
    expect(await res.json()).toEqual({ success: false, error: { code, message: "why", details: { field: "x" } } });
  });

  it("wraps successes as {success:true,...}", async () => {
    const res = ok({ job_id: "j1" }, { status: 202 });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ success: true, job_id: "j1" });
  });

  it("maps a thrown error to a safe 500 and tags the response with a request id", async () => {
    const handler = route(async () => {
      throw new Error("boom with a secret");
    });
    const res = await handler(new Request("http://studio.test/api/x", { headers: { "x-request-id": "req-12345678" } }));
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("req-12345678");
    const body = await res.json();
    expect(body).toEqual({ success: false, error: { code: "INTERNAL_ERROR", message: APP_ERROR_TABLE.INTERNAL_ERROR.message } });
  });

  it("gives each request its own id when none (or a malformed one) is sent", async () => {
    const handler = route(async () => ok());
    const a = await handler(new Request("http://studio.test/api/x"));
    const b = await handler(new Request("http://studio.test/api/x", { headers: { "x-request-id": "bad id\n" } }));
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get("x-request-id")).not.toBe("bad id\n");
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it("reads a JSON body against a schema and names the bad field", async () => {
    const schema = z.object({ email: z.email(), bpm: z.number().int().min(20).max(300) });
    const handler = route(async ({ request }) => ok(await readJson(request, schema)));
    const post = (body: string) => handler(new Request("http://studio.test/api/x", { method: "POST", body }));

    const good = await post(JSON.stringify({ email: "a@b.co", bpm: 120 }));
    expect(await good.json()).toEqual({ success: true, email: "a@b.co", bpm: 120 });

    const bad = await post(JSON.stringify({ email: "a@b.co", bpm: 1e9 }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string; details: { fieldErrors: Record<string, string[]> } } };
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.message).toMatch(/^bpm: /);
    expect(body.error.details.fieldErrors.bpm).toHaveLength(1);

    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toBe("The body must be valid JSON.");
  });
});
