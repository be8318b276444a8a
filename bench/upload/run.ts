/**
 * Upload throughput and memory: the studio's upload route against a bare Node server that only
 * streams the request body to disk, both on loopback, in the same run.
 *
 *   pnpm --filter @mini-studio/bench bench:upload      (builds the web app first)
 *
 * Prints MB/s for each, their ratio (target ≥ 0.7), and the studio's peak RSS growth while taking
 * a 1 MB and a 32 MB WAV (target: no growth with file size).
 *
 * Loopback throughput on the development machine drifts by ±30 % from minute to minute, for the
 * bare server as much as for the studio. So the two are timed in pairs, one upload each, back to
 * back, and the ratio reported is the median of the pairs' ratios: a drift touches both halves of
 * a pair alike. The servers are restarted for each round, since a process can also start in a
 * slower or faster state and keep it.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWav, sineTone } from "@mini-studio/audio";
import { findWorkspaceRoot } from "@mini-studio/config";

const ROUNDS = 5;
const PAIRS_PER_ROUND = 9;
const execFileAsync = promisify(execFile);
const WEB_DIR = join(findWorkspaceRoot(), "apps", "web");

/**
 * The peer: a plain Node server, in its own process like the studio, that streams the body to a
 * file and answers 201.
 */
const BARE_SERVER = `
const { createServer } = require("node:http");
const { createWriteStream } = require("node:fs");
const { pipeline } = require("node:stream/promises");
const { join } = require("node:path");
let n = 0;
const server = createServer((req, res) => {
  pipeline(req, createWriteStream(join(process.argv[1], "upload-" + n++))).then(
    () => res.writeHead(201, { "content-type": "application/json" }).end('{"success":true}'),
    () => res.writeHead(500).end(),
  );
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

async function bareServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", BARE_SERVER, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}/upload`, child };
}

async function startStudio(storageDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const child = spawn("pnpm", ["start"], {
    cwd: WEB_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", PORT: String(port), STORAGE_DIR: storageDir, RATE_LIMIT_ENABLED: "0", MAX_CONTENT_LENGTH_MB: "64", LOG_LEVEL: "warn" },
    detached: true,
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if ((await fetch(`${url}/api/health`).catch(() => null))?.ok) return { url, child };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the studio did not start");
}

/** RSS of a process and all its descendants (pnpm → next → next-server), in MB. */
function treeRssMb(pid: number): number {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const kids = spawnSync("pgrep", ["-P", String(pids[i])], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    pids.push(...kids.map(Number));
  }
  const out = spawnSync("ps", ["-o", "rss=", "-p", pids.join(",")], { encoding: "utf8" }).stdout;
  return out.split("\n").filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) / 1024;
}

type Target = { name: string; url: string; headers: Record<string, string> };

/**
 * One upload with curl, which streams the file from disk: a Node fetch client tops out near
 * 100 MB/s on its own and would hide the servers' difference.
 */
async function upload(target: Target, file: string): Promise<number> {
  const args = ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-F", `file=@${file};filename=take.wav`, target.url];
  for (const [name, value] of Object.entries(target.headers)) args.push("-H", `${name}: ${value}`);
  // Asynchronous, so the RSS sampler keeps running while curl sends.
  const result = await execFileAsync("curl", args, { encoding: "utf8" });
  const [status, seconds] = result.stdout.trim().split(" ");
  if (status !== "201") throw new Error(`${target.name} answered ${status}: ${result.stderr}`);
  return Number(seconds) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Peak RSS growth of the studio while it takes `file` (sampled every 5 ms), in MB. */
async function peakGrowth(pid: number, target: Target, file: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 300));
  const baseline = treeRssMb(pid);
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, treeRssMb(pid));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await upload(target, file);
  sampling = false;
  await sampler;
  return peak - baseline;
}

type Servers = { bare: Target; studio: Target; stop(): void; studioPid: number };

/** A fresh pair of servers; the studio with its own storage (and embedded database) and a user. */
async function startServers(dir: string, round: number): Promise<Servers> {
  const bare = await bareServer(dir);
  const studio = await startStudio(join(dir, `storage-${round}`));
  const stop = () => {
    bare.child.kill();
    try {
      process.kill(-studio.child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  try {
    const signup = await fetch(`${studio.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bench@example.com", password: "benchmark password" }),
    });
    const cookie = signup.headers.get("set-cookie")!.split(";")[0]!;
    return {
      bare: { name: "bare Node server (stream to disk)", url: bare.url, headers: {} },
      studio: { name: "studio POST /api/upload/audio", url: `${studio.url}/api/upload/audio`, headers: { cookie } },
      stop,
      studioPid: studio.child.pid!,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

function quartiles(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)]!, sorted[Math.floor((3 * sorted.length) / 4)]!];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mini-studio-bench-"));
  const big = join(dir, "big.wav");
  const small = join(dir, "small.wav");
  writeFileSync(big, encodeWav(sineTone({ seconds: 190 }))); // 190 s of 44.1 kHz stereo 16-bit ≈ 32 MB
  writeFileSync(small, encodeWav(sineTone({ seconds: 6 }))); // ≈ 1 MB
  const mb = statSync(big).size / 1024 / 1024;
  const bareMs: number[] = [];
  const studioMs: number[] = [];
  const pairRatios: number[] = [];
  const roundRatios: number[] = [];
  let servers: Servers | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      servers = await startServers(dir, round);
      await upload(servers.bare, big); // warm-up
      await upload(servers.studio, big);
      const ratios: number[] = [];
      for (let i = 0; i < PAIRS_PER_ROUND; i++) {
        // Which goes first alternates, so neither always follows the other's page-cache writes.
        const order = i % 2 === 0 ? [servers.bare, servers.studio] : [servers.studio, servers.bare];
        const ms = new Map<Target, number>();
        for (const target of order) ms.set(target, await upload(target, big));
        const bare = ms.get(servers.bare)!;
        const studio = ms.get(servers.studio)!;
        bareMs.push(bare);
        studioMs.push(studio);
        ratios.push(bare / studio); // throughput ratio: studio MB/s over bare MB/s
        process.stderr.write(`\rround ${round + 1}/${ROUNDS}, pair ${i + 1}/${PAIRS_PER_ROUND}`);
      }
      pairRatios.push(...ratios);
      roundRatios.push(median(ratios));
      if (round < ROUNDS - 1) {
        servers.stop();
        servers = undefined;
      }
    }
    process.stderr.write("\n");
    const growthSmall = await peakGrowth(servers!.studioPid, servers!.studio, small);
    const growthBig = await peakGrowth(servers!.studioPid, servers!.studio, big);

    const rate = (ms: number) => mb / (ms / 1000);
    const [q1, q3] = quartiles(pairRatios);
    console.log(`\nUpload of a ${mb.toFixed(1)} MB WAV over loopback: ${ROUNDS} rounds of ${PAIRS_PER_ROUND} pairs, medians`);
    console.log(`  ${servers!.bare.name.padEnd(36)} ${rate(median(bareMs)).toFixed(0).padStart(6)} MB/s`);
    console.log(`  ${servers!.studio.name.padEnd(36)} ${rate(median(studioMs)).toFixed(0).padStart(6)} MB/s`);
    console.log(`  ratio studio / bare, median of the pairs: ${median(pairRatios).toFixed(2)} (target ≥ 0.70)`);
    console.log(`    middle half of the pairs ${q1.toFixed(2)}–${q3.toFixed(2)}; by round ${roundRatios.map((r) => r.toFixed(2)).join(", ")}`);
    console.log(`Peak RSS growth of the studio while taking an upload`);
    console.log(`  ${(statSync(small).size / 1024 / 1024).toFixed(1)} MB WAV: ${growthSmall.toFixed(1)} MB`);
    console.log(`  ${mb.toFixed(1)} MB WAV: ${growthBig.toFixed(1)} MB`);
  } finally {
    servers?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
