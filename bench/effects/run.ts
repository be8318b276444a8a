/**
 * Effects, loudness and MP3 decode speed: the studio's CLI, as a whole process, against sox and
 * ffmpeg doing the same work on the same 180 s stereo 44.1 kHz 16-bit WAV.
 *
 *   pnpm bench:effects        (builds the CLI, then runs this file)
 *
 * Each pair runs alternately (reference, studio, studio, reference, ...) after a warm-up, and the
 * medians are compared: studio / sox ≤ 1.0 for the chain, studio / ffmpeg ≤ 0.5 for loudness; the
 * full analysis and the MP3 decode ratios are reported without a target. Beside each ratio of the
 * medians, the median of the rounds' own ratios: this machine's speed drifts from minute to minute,
 * and two commands of one round see the same speed.
 *
 * Loudness compares like with like: ffmpeg's ebur128 filter measures the integrated loudness and
 * the loudness range (with their gates, and momentary / short-term values), so the studio runs
 * `analyze --loudness`, which measures exactly those. The full `analyze` adds sample and true peak,
 * RMS, clipping and a waveform; it is set against ebur128 with its true-peak meter on.
 * The loudness section also measures a 1 s file in the same rounds: each tool's fixed cost
 * (start-up, header, printing). Each round's song time less that one is what measuring the song's
 * audio costs, reported beside the whole-process ratio.
 * A tool that fails is reported with its stderr; the other sections still run, and the exit code
 * is 1.
 */
import { spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { encodeWav } from "@mini-studio/audio";
import { findWorkspaceRoot } from "@mini-studio/config";
import { benchDir, failureOf, runTimed, shellQuote } from "../support/child";
import { median } from "../support/stats";
import { musicLikeSignal } from "./signal";

/** The studio's CLI as it ships: the bundle that `pnpm --filter @mini-studio/cli build` writes. */
const STUDIO_CLI = ["node", "apps/cli/dist/studio.cjs"];
/** The CLI starting and doing nothing: the fixed cost inside each studio time. */
const STARTUP = [...STUDIO_CLI, "--version"];
/** Node itself starting and doing nothing. */
const BARE_NODE = ["node", "-e", "0"];
/**
 * Where NODE_EXTRA_CA_CERTS is set (machines behind a TLS-intercepting proxy set it),
 * every Node process reads and parses that certificate bundle before it runs any code; ffmpeg and
 * sox do not, and the studio's CLI opens no TLS connection. The loudness section, where start-up is
 * half of the studio's time, is then measured a second time without it, so both are on record.
 */
const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
const WITHOUT_EXTRA_CA_CERTS = ["env", "-u", "NODE_EXTRA_CA_CERTS"];

const SECONDS = 180;
const SAMPLE_RATE = 44_100;
const SEED = 20_240_601;
const WARMUPS = 1;
const RUNS = 5;
/** Runs for the sections with a target: this machine's speed drifts by a third from minute to minute. */
const TARGET_RUNS = 11;
/** The short file whose loudness gives each tool's fixed cost (the loudness section's baseline). */
const SHORT_SECONDS = 1;

const CHAIN = [
  { type: "highpass", freq_hz: 80 },
  { type: "eq", bands: [{ kind: "peaking", freq_hz: 3000, gain_db: 3, q: 1 }] },
  { type: "compressor", threshold_db: -18, ratio: 3, attack_ms: 10, release_ms: 100, knee_db: 0 },
  { type: "reverb", room_size: 0.5 },
  { type: "normalize", mode: "peak", peak_db: -1 },
];
// The same chain in sox's words: compand's transfer function is a 3:1 slope above -18 dB.
const SOX_CHAIN = ["highpass", "80", "equalizer", "3000", "1q", "+3", "compand", "0.01,0.1", "-90,-90,-18,-18,0,-12", "0", "reverb", "50", "gain", "-n", "-1"];

const ROOT = findWorkspaceRoot();

type Command = { name: string; argv: string[]; check?: (stdout: string, stderr: string) => string | null };
type RunResult = { ok: true; ms: number; stdout: string; stderr: string } | { ok: false; ms: number; message: string };
type Section = {
  title: string;
  studio: Command;
  reference: Command;
  target?: number;
  /** Runs of each command after the warm-up: RUNS, or TARGET_RUNS for a section with a target. */
  runs?: number;
  /**
   * The same commands on a short input, run in the same rounds: each tool's fixed cost (start-up,
   * header, printing), so that what the long input's work alone costs is each round's difference.
   */
  baseline?: { title: string; studio: Command; reference: Command };
  note?: (studio: RunResult, reference: RunResult) => string;
};
type Role = "studio" | "reference" | "studioBaseline" | "referenceBaseline";
type Outcome = {
  title: string;
  runs: number;
  studioMs: number | null;
  referenceMs: number | null;
  /** The median of each round's studio / reference: on a machine whose speed drifts, steadier than the ratio of the medians. */
  pairedRatio: number | null;
  target?: number;
  /** With a baseline: its medians, and the medians of each round's long − short time. */
  baseline?: { studioMs: number; referenceMs: number; studioBeyondMs: number; referenceBeyondMs: number };
  failures: string[];
};

/** Runs one command to its end and times it. */
async function run(command: Command): Promise<RunResult> {
  const finished = await runTimed(command.argv, ROOT);
  const { ms, stdout: out, stderr: err } = finished;
  const failure = failureOf(finished, command.name);
  if (failure) return { ok: false, ms, message: failure };
  const problem = command.check?.(out, err) ?? null;
  if (problem) return { ok: false, ms, message: `${command.name} exited with 0 but ${problem}` };
  return { ok: true, ms, stdout: out, stderr: err };
}

/** Warm-up, then the section's runs of each command, alternating their order, so load drifts hit all. */
async function measure(section: Section): Promise<Outcome> {
  const commands: Partial<Record<Role, Command>> = {
    reference: section.reference,
    studio: section.studio,
    ...(section.baseline ? { referenceBaseline: section.baseline.reference, studioBaseline: section.baseline.studio } : {}),
  };
  const roles = Object.keys(commands) as Role[];
  const failures: string[] = [];
  const times: Record<Role, number[]> = { studio: [], reference: [], studioBaseline: [], referenceBaseline: [] };
  const last: Partial<Record<Role, RunResult>> = {};
  let failed = false;
  const once = async (role: Role, label: string) => {
    const command = commands[role]!;
    const result = await run(command);
    last[role] = result;
    const title = role.endsWith("Baseline") ? section.baseline!.title : section.title;
    process.stderr.write(`[${title}] ${label} ${command.name}: ${result.ok ? `${result.ms.toFixed(0)} ms` : "FAILED"}\n`);
    if (!result.ok) {
      failed = true;
      failures.push(result.message);
      return;
    }
    if (label !== "warm-up") times[role].push(result.ms);
  };
  for (let i = 0; i < WARMUPS && !failed; i++) for (const role of roles) await once(role, "warm-up");
  const runs = section.runs ?? RUNS;
  for (let i = 0; i < runs && !failed; i++) {
    const order = i % 2 === 0 ? roles : [...roles].reverse();
    for (const role of order) if (!failed) await once(role, `run ${i + 1}/${runs}`);
  }
  if (section.note && last.studio?.ok && last.reference?.ok) process.stderr.write(`[${section.title}] ${section.note(last.studio, last.reference)}\n`);
  const each = (a: number[], b: number[], f: (x: number, y: number) => number) => median(a.map((x, i) => f(x, b[i]!)));
  return {
    title: section.title,
    runs,
    studioMs: failed ? null : median(times.studio),
    referenceMs: failed ? null : median(times.reference),
    pairedRatio: failed ? null : each(times.studio, times.reference, (x, y) => x / y),
    ...(section.target === undefined ? {} : { target: section.target }),
    ...(section.baseline && !failed
      ? {
          baseline: {
            studioMs: median(times.studioBaseline),
            referenceMs: median(times.referenceBaseline),
            studioBeyondMs: each(times.studio, times.studioBaseline, (x, y) => x - y),
            referenceBeyondMs: each(times.reference, times.referenceBaseline, (x, y) => x - y),
          },
        }
      : {}),
    failures,
  };
}

/** The median time of RUNS runs of a command that only starts up. */
async function medianTime(name: string, argv: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await run({ name, argv })).ms);
  return median(times);
}

function toolVersion(argv: string[], pick: (out: string) => string): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (result.error || result.status !== 0) throw new Error(`${argv[0]} is needed for this benchmark: apt-get install ${argv[0]}`);
  return pick(result.stdout + result.stderr);
}



function outputWritten(path: string): () => string | null {
  return () => {
    try {
      return statSync(path).size > 44 ? null : `${path} is empty`;
    } catch {
      return `it did not write ${path}`;
    }
  };
}

function printsJson(stdout: string): string | null {
  try {
    JSON.parse(stdout);
    return null;
  } catch {
    return `its stdout is not JSON: ${stdout.slice(0, 200)}`;
  }
}

/** The integrated loudness line of ffmpeg's ebur128 summary, e.g. "-17.6 LUFS". */
function ffmpegIntegrated(stderr: string): string {
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  return /I:\s+(-?[\d.]+ LUFS)/.exec(summary)?.[1] ?? "?";
}

async function main(): Promise<void> {
  const sox = toolVersion(["sox", "--version"], (out) => out.trim().replace(/^sox:\s*/, ""));
  const ffmpeg = toolVersion(["ffmpeg", "-version"], (out) => out.split("\n")[0]!.replace(/ Copyright.*/, ""));
  const { dir, cleanup } = benchDir("mini-studio-bench-effects-");

  try {
    const input = join(dir, "in.wav");
    const mp3 = join(dir, "in.mp3");
    const short = join(dir, "short.wav");
    const started = performance.now();
    writeFileSync(input, encodeWav(musicLikeSignal({ seconds: SECONDS, sampleRate: SAMPLE_RATE, seed: SEED }), { bitDepth: 16 }));
    writeFileSync(short, encodeWav(musicLikeSignal({ seconds: SHORT_SECONDS, sampleRate: SAMPLE_RATE, seed: SEED }), { bitDepth: 16 }));
    const made = await run({ name: "ffmpeg (make the MP3)", argv: ["ffmpeg", "-v", "error", "-y", "-i", input, "-c:a", "libmp3lame", "-b:a", "192k", mp3] });
    if (!made.ok) throw new Error(made.message);
    process.stderr.write(`made the ${SECONDS} s test WAV and its MP3 in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})\n`);

    const studioOut = join(dir, "out_studio.wav");
    const soxOut = join(dir, "out_sox.wav");
    const decodedOut = join(dir, "decoded_studio.wav");
    const expectedFrames = SECONDS * SAMPLE_RATE;
    const sections: Section[] = [
      {
        title: "effects chain",
        target: 1,
        runs: TARGET_RUNS,
        studio: { name: "studio fx", argv: [...STUDIO_CLI, "fx", input, studioOut, "--chain", JSON.stringify(CHAIN)], check: outputWritten(studioOut) },
        reference: { name: "sox", argv: ["sox", input, soxOut, ...SOX_CHAIN], check: outputWritten(soxOut) },
      },
      {
        title: "loudness",
        target: 0.5,
        runs: TARGET_RUNS,
        studio: { name: "studio analyze --loudness", argv: [...STUDIO_CLI, "analyze", input, "--loudness", "--json"], check: printsJson },
        reference: { name: "ffmpeg ebur128", argv: ["ffmpeg", "-nostats", "-i", input, "-af", "ebur128", "-f", "null", "-"] },
        baseline: {
          title: `loudness of a ${SHORT_SECONDS} s file`,
          studio: { name: "studio analyze --loudness", argv: [...STUDIO_CLI, "analyze", short, "--loudness", "--json"], check: printsJson },
          reference: { name: "ffmpeg ebur128", argv: ["ffmpeg", "-nostats", "-i", short, "-af", "ebur128", "-f", "null", "-"] },
        },
        note: (studio, reference) =>
          studio.ok && reference.ok ? `studio says ${studio.stdout.trim().replace(/\s+/g, " ").slice(0, 400)}; ffmpeg says I = ${ffmpegIntegrated(reference.stderr)}` : "",
      },
      ...(EXTRA_CA_CERTS
        ? [
            {
              title: "loudness, Node without NODE_EXTRA_CA_CERTS",
              target: 0.5,
              runs: TARGET_RUNS,
              studio: { name: "studio analyze --loudness", argv: [...WITHOUT_EXTRA_CA_CERTS, ...STUDIO_CLI, "analyze", input, "--loudness", "--json"], check: printsJson },
              reference: { name: "ffmpeg ebur128", argv: ["ffmpeg", "-nostats", "-i", input, "-af", "ebur128", "-f", "null", "-"] },
            },
          ]
        : []),
      {
        title: "full analysis",
        studio: { name: "studio analyze", argv: [...STUDIO_CLI, "analyze", input, "--json"], check: printsJson },
        reference: { name: "ffmpeg ebur128 peak", argv: ["ffmpeg", "-nostats", "-i", input, "-af", "ebur128=peak=true", "-f", "null", "-"] },
      },
      {
        title: "MP3 decode",
        // The studio decodes and also writes a WAV; ffmpeg only decodes, so this favours ffmpeg.
        studio: {
          name: "studio convert",
          argv: [...STUDIO_CLI, "convert", mp3, decodedOut, "--bit-depth", "16"],
          check: () => {
            // ffmpeg's MP3 has a LAME header, so a gapless decode gives back the WAV's length.
            const frames = (statSync(decodedOut).size - 44) / (2 * 2);
            return Math.abs(frames - expectedFrames) <= 1152 ? null : `it decoded ${frames} frames, not about ${expectedFrames}`;
          },
        },
        reference: { name: "ffmpeg", argv: ["ffmpeg", "-v", "error", "-i", mp3, "-f", "null", "-"] },
      },
    ];

    console.log("Machine");
    console.log(`  CPU      ${cpus()[0]?.model ?? "unknown"}, ${availableParallelism()} cores`);
    console.log(`  Node     ${process.version}`);
    console.log(`  sox      ${sox}`);
    console.log(`  ffmpeg   ${ffmpeg}`);
    console.log(`Input: ${SECONDS} s stereo ${SAMPLE_RATE} Hz 16-bit WAV, ${(statSync(input).size / 1024 / 1024).toFixed(1)} MB (seed ${SEED}); MP3 by ffmpeg at 192 kbit/s`);
    console.log(`Commands (cwd ${ROOT}):`);
    for (const section of sections) {
      console.log(`  ${section.title}`);
      console.log(`    studio:    ${shellQuote(section.studio.argv)}`);
      console.log(`    reference: ${shellQuote(section.reference.argv)}`);
      if (section.baseline) {
        console.log(`    ${section.baseline.title}, studio:    ${shellQuote(section.baseline.studio.argv)}`);
        console.log(`    ${section.baseline.title}, reference: ${shellQuote(section.baseline.reference.argv)}`);
      }
    }
    console.log("");

    const outcomes: Outcome[] = [];
    for (const section of sections) outcomes.push(await measure(section));
    // What every studio process pays before doing any work: Node, then the CLI's own modules.
    const startup = await medianTime("studio start-up", STARTUP);
    const bareNode = await medianTime("node start-up", BARE_NODE);
    const bareNodeWithoutCerts = EXTRA_CA_CERTS ? await medianTime("node start-up", [...WITHOUT_EXTRA_CA_CERTS, ...BARE_NODE]) : null;

    console.log(`\nMedians after ${WARMUPS} warm-up, whole processes`);
    for (const o of outcomes) {
      const fmt = (ms: number | null) => (ms === null ? "FAILED" : `${(ms / 1000).toFixed(2)} s`).padStart(9);
      const section = sections.find((s) => s.title === o.title)!;
      const [studio, reference] = [section.studio.name, section.reference.name];
      console.log(`  ${o.title} (${o.runs} runs)`);
      console.log(`    ${studio.padEnd(26)} ${fmt(o.studioMs)}`);
      console.log(`    ${reference.padEnd(26)} ${fmt(o.referenceMs)}`);
      if (o.studioMs !== null && o.referenceMs !== null) {
        const ratio = o.studioMs / o.referenceMs;
        // Three decimals where there is a target, so that a verdict is never hidden by rounding.
        const shown = ratio.toFixed(o.target === undefined ? 2 : 3);
        const verdict = o.target === undefined ? "" : ` (target ≤ ${o.target.toFixed(1)}) ${ratio <= o.target ? "met" : "NOT met"}`;
        console.log(`    ratio studio / ${reference}: ${shown}${verdict}; median of the ${o.runs} rounds' ratios: ${o.pairedRatio!.toFixed(2)}`);
      }
      if (o.baseline) {
        const b = o.baseline;
        const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
        console.log(`    the same on a ${SHORT_SECONDS} s file: studio ${secs(b.studioMs)}, ${reference} ${secs(b.referenceMs)}`);
        console.log(
          `    the ${SECONDS - SHORT_SECONDS} s beyond it (each round's difference): studio ${secs(b.studioBeyondMs)}, ${reference} ${secs(b.referenceBeyondMs)}, ratio ${(b.studioBeyondMs / b.referenceBeyondMs).toFixed(2)}`,
        );
      }
    }
    console.log(`  (start-up inside each studio time, \`${shellQuote(STARTUP)}\`: ${(startup / 1000).toFixed(2)} s; Node alone, \`${shellQuote(BARE_NODE)}\`: ${(bareNode / 1000).toFixed(2)} s)`);
    if (bareNodeWithoutCerts !== null) {
      console.log(`  (NODE_EXTRA_CA_CERTS=${EXTRA_CA_CERTS} is set: Node alone takes ${(bareNodeWithoutCerts / 1000).toFixed(2)} s without it)`);
    }
    const failures = outcomes.flatMap((o) => o.failures.map((f) => `  ${o.title}: ${f}`));
    if (failures.length > 0) {
      console.error(`\nFailures:\n${failures.join("\n")}`);
      process.exitCode = 1;
    }
  } finally {
    cleanup();
  }
}

await main();
