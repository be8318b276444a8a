import { createServer, type Server } from "node:net";

import { afterEach, describe, expect, it, vi } from "vitest";

import { isReachable, serviceAvailable, testEnv, testServices } from "./testing";

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function closedPort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("testServices", () => {
  it("defaults to the local Postgres and Redis", () => {
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("REDIS_URL", "");
    vi.stubEnv("REQUIRE_SERVICES", "");
    expect(testServices()).toEqual({
      requireServices: false,
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/postgres",
      redisUrl: "redis://127.0.0.1:6379",
    });
  });

  it("reads REQUIRE_SERVICES and the URLs", () => {
    vi.stubEnv("REQUIRE_SERVICES", "1");
    vi.stubEnv("DATABASE_URL", "postgres://db:1/x");
    expect(testServices()).toMatchObject({ requireServices: true, databaseUrl: "postgres://db:1/x" });
  });
});

describe("isReachable", () => {
  it("is true for a listening port and false for a closed one", async () => {
    const { server, port } = await listen();
    try {
      expect(await isReachable(`redis://127.0.0.1:${port}`)).toBe(true);
    } finally {
      server.close();
    }
    expect(await isReachable(`redis://127.0.0.1:${await closedPort()}`)).toBe(false);
    expect(await isReachable("not a url")).toBe(false);
  });
});

describe("serviceAvailable", () => {
  it("reports a reachable service", async () => {
    const { server, port } = await listen();
    try {
      vi.stubEnv("REDIS_URL", `redis://127.0.0.1:${port}`);
      expect(await serviceAvailable("redis")).toBe(true);
    } finally {
      server.close();
    }
  });

  it("lets tests skip when the service is down and nothing is required", async () => {
    vi.stubEnv("REQUIRE_SERVICES", "");
    vi.stubEnv("DATABASE_URL", `postgresql://u:hunter2@127.0.0.1:${await closedPort()}/db`);
    expect(await serviceAvailable("postgres")).toBe(false);
  });

  it("throws loudly, without the password, when REQUIRE_SERVICES=1", async () => {
    const port = await closedPort();
    vi.stubEnv("REQUIRE_SERVICES", "1");
    vi.stubEnv("DATABASE_URL", `postgresql://u:hunter2@127.0.0.1:${port}/db`);
    const failure = serviceAvailable("postgres");
    await expect(failure).rejects.toThrow(`postgres at 127.0.0.1:${port} could not be reached`);
    await expect(failure).rejects.toThrow("REQUIRE_SERVICES=1");
    await expect(failure).rejects.not.toThrow("hunter2");
  });
});

describe("testEnv", () => {
  it("reads a knob, treating empty as unset", () => {
    vi.stubEnv("CHROMIUM_PATH", "/usr/bin/chromium");
    expect(testEnv("CHROMIUM_PATH")).toBe("/usr/bin/chromium");
    vi.stubEnv("CHROMIUM_PATH", "");
    expect(testEnv("CHROMIUM_PATH")).toBeUndefined();
  });
});
