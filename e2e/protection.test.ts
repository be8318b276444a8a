import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { serviceAvailable, testServices } from "@mini-studio/config/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStudio, WEB_DIR, type Studio } from "./support/server";

const API_DIR = join(WEB_DIR, "src", "app", "api");
/** Node-served routes (uploads), declared as `nodeRoute({ POST: ..., ... })` in a Pages API file. */
const NODE_API_DIR = join(WEB_DIR, "src", "pages", "api");

/** REST routes anyone may call anonymously. Everything else must answer 401. */
const PUBLIC_ROUTES = new Set(["GET /api/health", "POST /api/auth/signup", "POST /api/auth/login", "POST /api/auth/logout"]);

/** Every file under `dir`, at any depth. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every `METHOD /api/...` the app serves, read from the route files themselves. */
function restRoutes(): string[] {
  const routes: string[] = [];
  const add = (url: string, source: string, methods: RegExp) => {
    for (const [, method] of source.matchAll(methods)) routes.push(`${method} ${url.replace(/\[(\w+)\]/g, "x")}`);
  };
  for (const path of filesUnder(API_DIR)) {
    if (!path.endsWith(`${sep}route.ts`)) continue;
    const url = `/api/${relative(API_DIR, join(path, "..")).split(sep).join("/")}`;
    // The catch-all answers 404 for unknown paths and tRPC has its own matrix (packages/api).
    if (url.includes("[...") || url.startsWith("/api/trpc")) continue;
    add(url, readFileSync(path, "utf8"), /\bas (GET|POST|PUT|PATCH|DELETE)\b|export const (?:GET|POST|PUT|PATCH|DELETE)\b/g);
  }
  for (const path of filesUnder(NODE_API_DIR)) {
    if (!path.endsWith(".ts")) continue;
    add(`/api/${relative(NODE_API_DIR, path).replace(/\.ts$/, "").split(sep).join("/")}`, readFileSync(path, "utf8"), /\b(GET|POST|PUT|PATCH|DELETE):/g);
  }
  return routes.sort();
}

describe("REST authorization matrix", () => {
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio();
  });
  afterAll(async () => {
    await studio?.stop();
  });

  it("finds the public routes among the served ones, and the Node-served upload route", () => {
    expect(restRoutes()).toEqual(expect.arrayContaining([...PUBLIC_ROUTES, "POST /api/upload/x"]));
  });

  it("answers UNAUTHORIZED on every other route without a session or token", async () => {
    const guarded = restRoutes().filter((route) => !PUBLIC_ROUTES.has(route));
    expect(guarded.length).toBeGreaterThan(0);
    for (const route of guarded) {
      const [method, path] = route.split(" ") as [string, string];
      const res = await fetch(`${studio.url}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      expect({ route, status: res.status, body: await res.json() }).toMatchObject({
        route,
        status: 401,
        body: { success: false, error: { code: "UNAUTHORIZED" } },
      });
    }
  });

  it("signs up over REST, sets an httpOnly cookie and serves me with it", async () => {
    const res = await fetch(`${studio.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "e2e@example.com", password: "a long enough password" }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ success: true, user: { email: "e2e@example.com" }, credits: 50 });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly; .*SameSite=Lax/i);
    const me = await fetch(`${studio.url}/api/auth/me`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(await me.json()).toMatchObject({ success: true, user: { email: "e2e@example.com" }, credits: 50 });
  });
});

describe("CORS and cross-site requests", () => {
  const allowed = "https://app.example.com";
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio({ CORS_ALLOWED_ORIGINS: `${allowed},http://localhost:5173` });
  });
  afterAll(async () => {
    await studio?.stop();
  });

  const preflight = (origin: string, path = "/api/auth/login") =>
    fetch(`${studio.url}${path}`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });

  it("answers a preflight from an allowed origin, echoing it with credentials", async () => {
    const res = await preflight(allowed);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect((await preflight(allowed, "/api/trpc/auth.login")).status).toBe(204);
  });

  it("gives a preflight from another origin no CORS headers", async () => {
    const res = await preflight("https://evil.example");
    expect(res.status).toBe(403);
    expect([...res.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });

  it("refuses a cross-site mutation from another origin, whatever its content type", async () => {
    for (const contentType of ["application/json", "text/plain", "application/x-www-form-urlencoded"]) {
      const res = await fetch(`${studio.url}/api/auth/signup`, {
        method: "POST",
        headers: { origin: "https://evil.example", "content-type": contentType },
        body: JSON.stringify({ email: `csrf-${contentType.length}@example.com`, password: "a long enough password" }),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
    }
    // Nothing was created: signing up now succeeds.
    const res = await fetch(`${studio.url}/api/auth/signup`, {
      method: "POST",
      headers: { origin: allowed, "content-type": "application/json" },
      body: JSON.stringify({ email: "csrf-16@example.com", password: "a long enough password" }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
  });

  it("applies the same rules to uploads, which bypass the proxy to stream", async () => {
    const res = await preflight(allowed, "/api/upload/audio");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(allowed);
    expect((await preflight("https://evil.example", "/api/upload/audio")).status).toBe(403);
    const form = new FormData();
    form.append("file", new Blob(["RIFF"]), "x.wav");
    const upload = await fetch(`${studio.url}/api/upload/audio`, { method: "POST", headers: { origin: "https://evil.example" }, body: form });
    expect(upload.status).toBe(403);
  });

  it("accepts tRPC mutations as JSON only", async () => {
    const res = await fetch(`${studio.url}/api/trpc/auth.logout`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ success: false, error: { code: "UNSUPPORTED_TYPE" } });
  });
});

describe.skipIf(!(await serviceAvailable("redis")))("a rate limit shared through Redis", () => {
  let studios: Studio[] = [];
  beforeAll(async () => {
    const env = { REDIS_URL: testServices().redisUrl, RATE_LIMIT_PER_MIN: "30" };
    studios = await Promise.all([startStudio(env), startStudio(env)]);
  });
  afterAll(async () => {
    await Promise.all(studios.map((studio) => studio.stop()));
  });

  it("admits exactly 30 calls a minute across two instances, then answers 429 with the headers", { timeout: 90_000 }, async () => {
    // A fresh client address per run, so a rerun within the minute starts with a full budget.
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}, 10.${process.pid % 250}.${Date.now() % 250}.1`;
    // The shared limiter is Upstash's sliding window, which weights the previous fixed minute: a
    // burst that straddles a minute boundary is counted approximately. Start well inside a minute.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 31; i++) {
      last = await fetch(`${studios[i % 2]!.url}/api/auth/me`, { headers: { "x-forwarded-for": ip } });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get("ratelimit-policy")).toBe('"default";q=30;w=60');
        expect(last.headers.get("ratelimit")).toMatch(/^"default";r=29;t=\d+$/);
      }
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    expect(last!.headers.get("ratelimit-policy")).toBe('"default";q=30;w=60');
    expect(last!.headers.get("ratelimit")).toMatch(/^"default";r=0;t=\d+$/);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({ success: false, error: { code: "RATE_LIMITED" } });
  });
});
