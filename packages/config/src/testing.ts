import { connect } from "node:net";

// Helpers for other packages' tests. They live here because this package is the
// only one allowed to read process.env.

export type TestServices = { requireServices: boolean; databaseUrl: string; redisUrl: string };

const DEFAULT_PORTS: Record<string, number> = {
  "postgres:": 5432,
  "postgresql:": 5432,
  "redis:": 6379,
  "rediss:": 6379,
  "http:": 80,
  "https:": 443,
};

function read(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

export function testServices(): TestServices {
  const flag = read("REQUIRE_SERVICES")?.toLowerCase();
  return {
    requireServices: flag === "1" || flag === "true" || flag === "yes",
    databaseUrl: read("DATABASE_URL") ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    redisUrl: read("REDIS_URL") ?? "redis://127.0.0.1:6379",
  };
}

/** host:port of a service URL; never includes credentials, so it is safe to print. */
function hostPort(url: string): { host: string; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (!port) return undefined;
  // IPv6 literals come back bracketed; net.connect wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  return { host, port };
}

/** Whether a TCP connection to the URL's host:port opens within the timeout. */
export async function isReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const target = hostPort(url);
  if (!target) return false;
  return new Promise<boolean>((resolve) => {
    const socket = connect(target);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * True when the service answers. When it does not, tests skip, unless
 * REQUIRE_SERVICES=1 (CI), where a silent skip would hide a broken setup.
 */
export async function serviceAvailable(name: "postgres" | "redis"): Promise<boolean> {
  const services = testServices();
  const url = name === "postgres" ? services.databaseUrl : services.redisUrl;
  if (await isReachable(url)) return true;
  if (!services.requireServices) return false;
  const target = hostPort(url);
  const where = target ? `${target.host}:${target.port}` : `${name === "postgres" ? "DATABASE_URL" : "REDIS_URL"} (unparseable)`;
  throw new Error(
    `REQUIRED SERVICE UNAVAILABLE: ${name} at ${where} could not be reached, and REQUIRE_SERVICES=1 forbids skipping its tests. Start ${name} or unset REQUIRE_SERVICES.`,
  );
}

/** Raw read of a test-only knob (e.g. CHROMIUM_PATH); empty counts as unset. */
export function testEnv(name: string): string | undefined {
  return read(name);
}
