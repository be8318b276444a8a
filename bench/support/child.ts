import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Finished = { code: number | null; signal: NodeJS.Signals | null; error?: Error; ms: number; stdout: string; stderr: string };

/** The child being timed, so that a Ctrl-C can stop it along with the benchmark. */
let current: ChildProcess | null = null;

/** Runs one command to its end, timing it; asynchronous, so a signal is handled at once. */
export async function runTimed(argv: string[], cwd: string): Promise<Finished> {
  const [file, ...args] = argv;
  const start = performance.now();
  const child = spawn(file!, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  current = child;
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  current = null;
  return { ...exit, ms: performance.now() - start, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
}

/** Stops the command being timed, if any (from a signal handler). */
export function killCurrent(): void {
  current?.kill("SIGKILL");
}

/** Why a finished command failed, with its stderr; null when it exited with 0. */
export function failureOf(run: Finished, name: string): string | null {
  if (run.error) return `could not start ${name}: ${run.error.message}`;
  if (run.code === 0) return null;
  const how = run.signal ? `was killed by ${run.signal}` : `exited with ${run.code}`;
  return `${name} ${how}. Its stderr:\n${indent(run.stderr.trim() || "(empty)")}`;
}

/** The command as a shell would take it, for printing. */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}

function indent(text: string): string {
  return text.replace(/^/gm, "    ");
}

/**
 * A temporary folder for one benchmark run, removed by `cleanup()` and also on Ctrl-C or SIGTERM,
 * which stop the command being timed too.
 */
export function benchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    killCurrent();
    cleanup();
    process.stderr.write(`\ninterrupted (${signal}); removed ${dir}\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return { dir, cleanup };
}
