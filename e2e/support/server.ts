import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findWorkspaceRoot } from "@mini-studio/config";

export const WEB_DIR = join(findWorkspaceRoot(), "apps", "web");

export type Studio = { url: string; storageDir: string; output: () => string; stop: () => Promise<void> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment a user's shell would have, minus any studio setting of the developer's own. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[key]) env[key] = process.env[key];
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

/**
 * Starts the production build exactly as `pnpm start` does (preflight, then `next start`)
 * on a free port with its own storage folder, and waits until it answers.
 */
export async function startStudio(env: Record<string, string> = {}): Promise<Studio> {
  const port = await freePort();
  const storageDir = mkdtempSync(join(tmpdir(), "mini-studio-e2e-"));
  const child = spawn("pnpm", ["start"], {
    cwd: WEB_DIR,
    env: cleanEnv({ PORT: String(port), STORAGE_DIR: storageDir, ...env }),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const studio: Studio = { url, storageDir, output: () => output, stop: () => stop(child) };
  try {
    await waitUntilUp(url, child, () => output);
  } catch (error) {
    await studio.stop();
    throw error;
  }
  return studio;
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`studio exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`studio did not answer within 90 s:\n${output()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export type CommandResult = { code: number | null; stdout: string; stderr: string };

/** Runs a command to its end and collects what it prints. */
export async function runCommand(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CommandResult> {
  const child = spawn(command, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stdout, stderr };
}

/** Runs the preflight alone, as `pnpm start` would first. */
export function runPreflight(env: Record<string, string>): Promise<CommandResult> {
  const storageDir = mkdtempSync(join(tmpdir(), "mini-studio-e2e-"));
  return runCommand("pnpm", ["exec", "tsx", "scripts/preflight.ts"], { cwd: WEB_DIR, env: cleanEnv({ STORAGE_DIR: storageDir, ...env }) });
}
