/**
 * Singing speed and memory: `sing` with the built-in voice on generated lyrics of about 10 s, 60 s
 * and 300 s of audio, plus a 10-minute song for peak memory.
 *
 *   pnpm bench:synth        (or: cd bench && pnpm exec tsx synth/run.ts)
 *
 * Each measurement is its own process (sing-once.ts) so that peak RSS and first-use costs belong to
 * it: "cold" is the first `sing` in a fresh process (it opens the pronouncing dictionary and runs
 * each ONNX session for the first time; loading the voice, which creates the sessions, is shown
 * beside it), "warm" the later calls in that process, as a jobs worker that keeps the voice loaded
 * makes them. The sessions run as loadVoicebank makes them, one onnxruntime thread each; one case
 * gives onnxruntime its own thread pools instead, and one pins the whole process to one CPU.
 * Before any of it, this process makes the compact pronouncing dictionary ready (generating its
 * cache file if this install has none yet) and says which it was, so no measured process pays
 * for that one-time step. Cases run in rounds whose order alternates, so load drifts from other
 * users of the machine hit every case; figures are medians. Targets: compute per audio second at
 * 300 s ≤ 1.3× that at 10 s; 60 s of audio in under 1.2 s on one core, cold as well as warm; peak
 * RSS < 500 MB for a 10-minute song, on its first render and a second one in the same process,
 * checked with the usual short lines and again with long lines, whose phrases reach
 * MAX_PHRASE_SECONDS (the vocoder's buffers, and so the peak, follow the longest phrase).
 * A process that fails is reported with its stderr, the other cases still run, and the exit code
 * is 1.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { findWorkspaceRoot } from "@mini-studio/config";
import {
  alignSyllables,
  DEFAULT_VOICE_NAME,
  DEFAULT_VOICE_VERSION,
  generateMelody,
  layoutPhrases,
  loadCmuDictionary,
  MAX_PHRASE_SECONDS,
  parseLyrics,
  writeDefaultVoice,
} from "@mini-studio/synth";
import { benchDir, failureOf, runTimed, shellQuote } from "../support/child";
import { median } from "../support/stats";
import { songLyrics } from "./lyrics";
import type { SessionThreads, SingOnceReport, SingRun } from "./sing-once";

const ROOT = findWorkspaceRoot();
const SING_ONCE = relative(ROOT, join(import.meta.dirname, "sing-once.ts"));
/** The melody every run sings: sing()'s defaults, written out so the calibration uses the same. */
const MELODY = { bpm: 120, key: "C", scale: "major", seed: 1 } as const;

const LENGTHS = [10, 60, 300] as const;
const MEMORY_SECONDS = 600;
const SHORT_LINE = 8;
/** Syllables per line that make phrases longer than MAX_PHRASE_SECONDS, so they are cut at it. */
const LONG_LINE = 32;
const PROCESSES = 3;
const WARM_RUNS = 3;
const TARGETS = { scaling: 1.3, sixtySeconds: 1.2, peakRssMB: 500 } as const;
/** CPU 0 only, for the whole process: Node, its GC threads and onnxruntime's pool share it. */
const PIN = ["taskset", "-c", "0"];

type Case = { key: string; label: string; seconds: number; syllablesPerLine: number; warm: number; pinned: boolean; threads: SessionThreads };
type CaseResult = { case: Case; lines: number; argv: string[]; reports: SingOnceReport[]; processWallS: number[]; failures: string[] };
type Spawned = { ok: true; seconds: number; stdout: string } | { ok: false; seconds: number; message: string };

/** Runs one measured child process to its end. */
async function runChild(argv: string[]): Promise<Spawned> {
  const finished = await runTimed(argv, ROOT);
  const seconds = finished.ms / 1000;
  const failure = failureOf(finished, shellQuote(argv));
  return failure ? { ok: false, seconds, message: failure } : { ok: true, seconds, stdout: finished.stdout };
}

/** Where the song ends, from the same parse and melody `sing` makes: no synthesis needed. */
function songSeconds(lines: number, syllablesPerLine: number): number {
  const lyrics = parseLyrics(songLyrics(lines, { syllablesPerLine }));
  // As sing() counts them: a note per syllable and one more per `+` (the benchmark writes none).
  const counts = lyrics.lines.map((line) => line.syllables.reduce((n, s) => n + 1 + s.holds, 0));
  const melody = generateMelody({ lines: counts, ...MELODY });
  return layoutPhrases(alignSyllables(lyrics, melody)).at(-1)!.end;
}

/** The line count whose song length is closest to `seconds` (songLyrics(n) extends songLyrics(n - 1)). */
function linesFor(seconds: number, syllablesPerLine: number): number {
  const distance = (n: number) => Math.abs(songSeconds(n, syllablesPerLine) - seconds);
  let n = Math.max(1, Math.round(seconds / (songSeconds(10, syllablesPerLine) / 10)));
  while (n > 1 && distance(n - 1) < distance(n)) n--;
  while (distance(n + 1) < distance(n)) n++;
  return n;
}

/** Busy and total CPU time of the whole machine so far, in seconds (Linux /proc/stat). */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    // USER_HZ is 100 on every Linux build that exposes /proc/stat to user space this way.
    const busy = (user + nice + system + irq + softirq + steal) / 100;
    return { busy, total: busy + (idle + iowait) / 100 };
  } catch {
    return null;
  }
}

function onnxruntimeVersion(): string {
  try {
    const fromSynth = createRequire(join(ROOT, "packages/synth/package.json"));
    return (JSON.parse(readFileSync(fromSynth.resolve("onnxruntime-node/package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}



const mb = (kb: number) => kb / 1024;
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/** The medians a column of the table shows, for one case. */
type Summary = {
  audioS: number;
  lines: number;
  syllables: number;
  phrases: { count: number; longestS: number };
  warm: { wallS: number; cpuS: number; text: number; acoustic: number; vocoder: number; peakRssMB: number };
  cold: {
    bootS: number;
    importS: number;
    loadS: number;
    wallS: number;
    cpuS: number;
    text: number;
    dictionaryS: number;
    acoustic: number;
    vocoder: number;
    peakRssMB: number;
    processWallS: number;
    /** Node and tsx starting, the import, loading the voice and the first sing: a fresh process's first song. */
    toFirstSongS: number;
  };
  peakAfterLoadMB: number;
  threads: string;
};

function summarize(result: CaseResult): Summary | null {
  const { reports } = result;
  if (reports.length === 0) return null;
  const warm = reports.flatMap((r) => r.warm);
  const cold = reports.map((r) => r.cold);
  const of = (runs: SingRun[], pick: (run: SingRun) => number) => median(runs.map(pick));
  const threadSets = new Set(reports.map((r) => `${r.threads.beforeLoad ?? "?"} → ${r.threads.afterLoad ?? "?"}`));
  return {
    audioS: reports[0]!.cold.audioS,
    lines: result.lines,
    syllables: reports[0]!.syllables,
    phrases: reports[0]!.phrases,
    warm: {
      wallS: of(warm, (r) => r.wallS),
      cpuS: of(warm, (r) => r.cpuS),
      text: of(warm, (r) => r.timings.text),
      acoustic: of(warm, (r) => r.timings.acoustic),
      vocoder: of(warm, (r) => r.timings.vocoder),
      // The process's peak once it has sung every time: what a worker's steady state looks like.
      peakRssMB: mb(median(reports.map((r) => r.warm.at(-1)?.peakRssKB ?? Number.NaN))),
    },
    cold: {
      bootS: median(reports.map((r) => r.bootS)),
      importS: median(reports.map((r) => r.importS)),
      loadS: median(reports.map((r) => r.loadS)),
      wallS: of(cold, (r) => r.wallS),
      cpuS: of(cold, (r) => r.cpuS),
      text: of(cold, (r) => r.timings.text),
      dictionaryS: median(reports.map((r) => r.dictionary.seconds)),
      acoustic: of(cold, (r) => r.timings.acoustic),
      vocoder: of(cold, (r) => r.timings.vocoder),
      peakRssMB: mb(of(cold, (r) => r.peakRssKB)),
      processWallS: median(result.processWallS),
      toFirstSongS: median(reports.map((r) => r.bootS + r.importS + r.loadS + r.cold.wallS)),
    },
    peakAfterLoadMB: mb(median(reports.map((r) => r.peakRssAfterLoadKB))),
    threads: [...threadSets].join(", "),
  };
}

function printTable(title: string, columns: string[], rows: Array<[string, ...string[]]>): void {
  const width = Math.max(...rows.map((r) => r[0].length), 0) + 2;
  const cell = Math.max(14, ...rows.flatMap((r) => r.slice(1).map((c) => c.length + 2)), ...columns.map((c) => c.length + 2));
  console.log(title);
  console.log(`  ${"".padEnd(width)}${columns.map((c) => c.padStart(cell)).join("")}`);
  for (const [label, ...cells] of rows) console.log(`  ${label.padEnd(width)}${cells.map((c) => c.padStart(cell)).join("")}`);
}

/** "0.123 s  45%": a stage's seconds and its share of the call's wall time. */
const share = (seconds: number, wall: number) => `${fixed(seconds, 3)} s ${fixed((100 * seconds) / wall, 0).padStart(3)}%`;

function report(results: CaseResult[], sums: Map<string, Summary | null>): void {
  const cols = LENGTHS.map((seconds) => sums.get(`${seconds}`) ?? null);
  const columns = LENGTHS.map((s) => `~${s} s`);
  const v = (pick: (s: Summary) => string) => cols.map((s) => (s ? pick(s) : "FAILED"));
  const warmRuns = PROCESSES * WARM_RUNS;

  printTable(`Warm: later sing() calls in the same process (median of ${warmRuns}: ${WARM_RUNS} in each of ${PROCESSES} processes)`, columns, [
    ["audio seconds", ...v((s) => fixed(s.audioS, 1))],
    ["lines / syllables", ...v((s) => `${s.lines} / ${s.syllables}`)],
    ["wall time", ...v((s) => `${fixed(s.warm.wallS, 3)} s`)],
    ["real-time factor (audio / wall)", ...v((s) => `${fixed(s.audioS / s.warm.wallS, 1)}×`)],
    ["  text", ...v((s) => share(s.warm.text, s.warm.wallS))],
    ["  acoustic", ...v((s) => share(s.warm.acoustic, s.warm.wallS))],
    ["  vocoder", ...v((s) => share(s.warm.vocoder, s.warm.wallS))],
    ["  other (mixing, clip guard)", ...v((s) => share(Math.max(0, s.warm.wallS - s.warm.text - s.warm.acoustic - s.warm.vocoder), s.warm.wallS))],
    ["compute s per audio s (wall)", ...v((s) => fixed(s.warm.wallS / s.audioS, 4))],
    ["CPU s per audio s (all threads)", ...v((s) => fixed(s.warm.cpuS / s.audioS, 4))],
    ["cores busy (CPU / wall)", ...v((s) => fixed(s.warm.cpuS / s.warm.wallS, 2))],
    ["peak RSS of the process", ...v((s) => `${fixed(s.warm.peakRssMB, 0)} MB`)],
  ]);
  console.log("");
  printTable(`Cold: a fresh process (median of ${PROCESSES})`, columns, [
    ["node + tsx start", ...v((s) => `${fixed(s.cold.bootS, 3)} s`)],
    ["import @mini-studio/synth", ...v((s) => `${fixed(s.cold.importS, 3)} s`)],
    ["loadVoicebank (ONNX sessions)", ...v((s) => `${fixed(s.cold.loadS, 3)} s`)],
    ["first sing(): wall", ...v((s) => `${fixed(s.cold.wallS, 3)} s`)],
    ["  text", ...v((s) => share(s.cold.text, s.cold.wallS))],
    ["    of which opening the dictionary", ...v((s) => `${fixed(s.cold.dictionaryS * 1000, 1)} ms`)],
    ["  acoustic", ...v((s) => share(s.cold.acoustic, s.cold.wallS))],
    ["  vocoder", ...v((s) => share(s.cold.vocoder, s.cold.wallS))],
    ["first sing(): real-time factor", ...v((s) => `${fixed(s.audioS / s.cold.wallS, 1)}×`)],
    ["load + first sing", ...v((s) => `${fixed(s.cold.loadS + s.cold.wallS, 3)} s`)],
    ["start + import + load + first sing", ...v((s) => `${fixed(s.cold.toFirstSongS, 3)} s`)],
    ["compute s per audio s (first sing)", ...v((s) => fixed(s.cold.wallS / s.audioS, 4))],
    ["cores busy (CPU / wall)", ...v((s) => fixed(s.cold.cpuS / s.cold.wallS, 2))],
    ["whole process (spawn to exit)", ...v((s) => `${fixed(s.cold.processWallS, 2)} s`)],
    ["peak RSS after loadVoicebank", ...v((s) => `${fixed(s.peakAfterLoadMB, 0)} MB`)],
    ["peak RSS after first sing", ...v((s) => `${fixed(s.cold.peakRssMB, 0)} MB`)],
    ["threads before → after load", ...v((s) => s.threads)],
  ]);

  console.log("\nTargets");
  const short = sums.get("10");
  const long = sums.get("300");
  if (short && long) {
    const ratio = long.warm.wallS / long.audioS / (short.warm.wallS / short.audioS);
    const cold = long.cold.wallS / long.audioS / (short.cold.wallS / short.audioS);
    console.log(
      `  compute per audio second, ${fixed(long.audioS, 0)} s vs ${fixed(short.audioS, 0)} s (warm): ${fixed(ratio, 2)}× (target ≤ ${TARGETS.scaling}×) ${ratio <= TARGETS.scaling ? "met" : "NOT met"}` +
        `  [first sing in a fresh process: ${fixed(cold, 2)}×]`,
    );
  }
  const sixty = sums.get("60");
  const pinned = sums.get("60-pinned");
  const pools = sums.get("60-ort");
  if (sixty) {
    const verdict = (s: number) => (s < TARGETS.sixtySeconds ? "met" : "NOT met");
    const line = (label: string, s: Summary, wall: number) =>
      `    ${label.padEnd(62)} ${fixed(wall, 3)} s for ${fixed(s.audioS, 1)} s = ${fixed(s.audioS / wall, 0).padStart(3)}× real time: ${verdict(wall)}`;
    console.log(`  ${fixed(sixty.audioS, 0)} s of audio in under ${TARGETS.sixtySeconds} s (≥ 50× real time on one core)`);
    console.log("   cold: the first song of a fresh process (one onnxruntime thread per session)");
    console.log(line("first sing()", sixty, sixty.cold.wallS));
    console.log(line("load the voice + first sing()", sixty, sixty.cold.loadS + sixty.cold.wallS));
    console.log(line("node + tsx start + import + load + first sing()", sixty, sixty.cold.toFirstSongS));
    if (pinned) console.log(line(`load + first sing(), process pinned to one CPU`, pinned, pinned.cold.loadS + pinned.cold.wallS));
    console.log("   warm: later songs in the same process");
    console.log(line("one onnxruntime thread per session (loadVoicebank's default)", sixty, sixty.warm.wallS));
    if (pinned) console.log(line(`the same, process pinned to one CPU (${PIN.join(" ")})`, pinned, pinned.warm.wallS));
    if (pools) console.log(line("onnxruntime's own thread pools (for comparison)", pools, pools.warm.wallS));
  }
  for (const [key, how] of [
    ["memory", `lines of ${SHORT_LINE} syllables`],
    ["memory-long", `lines of ${LONG_LINE} syllables`],
  ] as const) {
    const m = sums.get(key);
    if (!m) continue;
    const rss = m.cold.peakRssMB;
    const under = (mbs: number) => (mbs < TARGETS.peakRssMB ? "met" : "NOT met");
    console.log(
      `  ${fixed(m.audioS, 0)} s song, ${how} (${m.syllables} syllables, ${m.phrases.count} phrases, the longest ${fixed(m.phrases.longestS, 1)} s): peak RSS < ${TARGETS.peakRssMB} MB`,
    );
    console.log(`    fresh process, load the voice, sing it once        ${fixed(rss, 0).padStart(4)} MB: ${under(rss)}`);
    console.log(`    the same process singing it a second time          ${fixed(m.warm.peakRssMB, 0).padStart(4)} MB: ${under(m.warm.peakRssMB)}`);
    console.log(
      `    (peak after loadVoicebank alone ${fixed(m.peakAfterLoadMB, 0)} MB; the song's float32 samples ${fixed((m.audioS * 44_100 * 4) / 1024 / 1024, 0)} MB;` +
        ` first sing ${fixed(m.cold.wallS, 2)} s, warm ${fixed(m.warm.wallS, 2)} s = ${fixed(m.audioS / m.warm.wallS, 0)}× real time)`,
    );
  }
  const failures = results.flatMap((r) => r.failures.map((f) => `  ${r.case.label}: ${f}`));
  if (failures.length > 0) {
    console.error(`\nFailures:\n${failures.join("\n")}`);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const { dir, cleanup } = benchDir("mini-studio-bench-synth-");

  try {
    const loadAtStart = loadavg();
    const cpuAtStart = machineCpu();
    const ownCpuAtStart = process.cpuUsage();
    const voiceDir = join(dir, DEFAULT_VOICE_NAME);
    let mark = performance.now();
    await writeDefaultVoice(voiceDir);
    const writeS = (performance.now() - mark) / 1000;

    mark = performance.now();
    const dictionary = loadCmuDictionary();
    const dictionaryS = (performance.now() - mark) / 1000;

    mark = performance.now();
    const pinAvailable = (await runChild([...PIN, "true"])).ok;
    const base = { syllablesPerLine: SHORT_LINE, warm: WARM_RUNS, pinned: false, threads: "1" as const };
    const cases: Case[] = [
      ...LENGTHS.map((seconds) => ({ ...base, key: `${seconds}`, label: `~${seconds} s`, seconds })),
      ...(pinAvailable ? [{ ...base, key: "60-pinned", label: "~60 s, one CPU", seconds: 60, pinned: true }] : []),
      { ...base, key: "60-ort", label: "~60 s, ort pools", seconds: 60, threads: "ort" },
      { ...base, key: "memory", label: `~${MEMORY_SECONDS} s (memory)`, seconds: MEMORY_SECONDS, warm: 1 },
      { ...base, key: "memory-long", label: `~${MEMORY_SECONDS} s, long lines`, seconds: MEMORY_SECONDS, syllablesPerLine: LONG_LINE, warm: 1 },
    ];
    const results: CaseResult[] = cases.map((c) => {
      const lines = linesFor(c.seconds, c.syllablesPerLine);
      const args = [voiceDir, String(lines), String(c.warm), String(c.syllablesPerLine), c.threads];
      const argv = [...(c.pinned ? PIN : []), "node", "--import", "tsx", SING_ONCE, ...args];
      return { case: c, lines, argv, reports: [], processWallS: [], failures: [] };
    });
    const calibrateS = (performance.now() - mark) / 1000;
    process.stderr.write(`wrote the default voice in ${writeS.toFixed(2)} s (${voiceDir}); sized the songs in ${calibrateS.toFixed(2)} s\n`);
    const dictionaryHow =
      dictionary.from === "cache"
        ? `opened from its cache in ${fixed(dictionaryS * 1000, 1)} ms`
        : `generated from cmu-pronouncing-dictionary in ${fixed(dictionaryS, 2)} s, once for this install (${dictionary.written ? "cache written" : "the cache could not be written, so every process generates it"})`;

    console.log("Machine");
    console.log(`  CPU               ${cpus()[0]?.model ?? "unknown"}, ${availableParallelism()} cores`);
    console.log(`  Node              ${process.version}`);
    console.log(`  onnxruntime-node  ${onnxruntimeVersion()} (CPU)`);
    console.log(`  load average      ${loadAtStart.map((x) => x.toFixed(2)).join(" ")} (1, 5, 15 min) at the start`);
    console.log(
      `onnxruntime sessions: as loadVoicebank creates them, intraOpNumThreads = interOpNumThreads = 1 (its default); "ort pools" passes 0 for onnxruntime's own pools;` +
        ` "one CPU" also pins the whole process (Node, its GC threads, onnxruntime) with ${PIN.join(" ")}` +
        (pinAvailable ? "." : " — but taskset is not available here, so there is none."),
    );
    console.log(`Pronouncing dictionary: ${dictionary.entries} entries, ${dictionaryHow}: ${dictionary.file}`);
    console.log(`Voice: built-in "${DEFAULT_VOICE_NAME}" version ${DEFAULT_VOICE_VERSION}, written by writeDefaultVoice into a temporary folder`);
    console.log(
      `Lyrics: bench/synth/lyrics.ts, lines of ${SHORT_LINE} syllables of common English words (${LONG_LINE} for "long lines"); melody generated at ${MELODY.bpm} bpm, ${MELODY.key} ${MELODY.scale}, seed ${MELODY.seed}; phrases cut at ${MAX_PHRASE_SECONDS} s`,
    );
    console.log(`Commands (cwd ${ROOT}; <voice> = ${voiceDir}):`);
    for (const r of results) console.log(`  ${r.case.label.padEnd(22)} ${shellQuote(r.argv).replace(voiceDir, "<voice>")}`);
    console.log("");

    let ownChildCpuS = 0;
    for (let round = 0; round < PROCESSES; round++) {
      const order = round % 2 === 0 ? results : [...results].reverse();
      for (const r of order) {
        if (r.failures.length > 0) continue;
        const outcome = await runChild(r.argv);
        const tag = `[${r.case.label}] process ${round + 1}/${PROCESSES}`;
        if (!outcome.ok) {
          r.failures.push(outcome.message);
          process.stderr.write(`${tag}: FAILED\n`);
          continue;
        }
        let parsed: SingOnceReport;
        try {
          parsed = JSON.parse(outcome.stdout.trim().split("\n").at(-1) ?? "") as SingOnceReport;
        } catch {
          r.failures.push(`its stdout is not a JSON report: ${outcome.stdout.slice(0, 300)}`);
          continue;
        }
        r.reports.push(parsed);
        r.processWallS.push(outcome.seconds);
        ownChildCpuS += parsed.processCpuS;
        const warm = median(parsed.warm.map((w) => w.wallS));
        process.stderr.write(
          `${tag}: ${parsed.cold.audioS.toFixed(1)} s of audio; load ${parsed.loadS.toFixed(2)} s, first sing ${parsed.cold.wallS.toFixed(3)} s, warm ${fixed(warm, 3)} s; ` +
            `peak ${mb(parsed.warm.at(-1)?.peakRssKB ?? parsed.cold.peakRssKB).toFixed(0)} MB; process ${outcome.seconds.toFixed(2)} s\n`,
        );
      }
    }

    const sums = new Map(results.map((r) => [r.case.key, summarize(r)] as const));
    report(results, sums);

    const cpuAtEnd = machineCpu();
    const own = process.cpuUsage(ownCpuAtStart);
    if (cpuAtStart && cpuAtEnd) {
      const elapsed = (cpuAtEnd.total - cpuAtStart.total) / availableParallelism();
      const busy = cpuAtEnd.busy - cpuAtStart.busy;
      // The child processes' time from their own reports (a crashed one is missed and counts as others').
      const ours = ownChildCpuS + (own.user + own.system) / 1e6;
      const others = Math.max(0, busy - ours);
      console.log(
        `\nLoad: over the ${elapsed.toFixed(0)} s run the machine was busy ${(busy / elapsed).toFixed(2)} of ${availableParallelism()} cores on average;` +
          ` this benchmark used ${(ours / elapsed).toFixed(2)}, other processes about ${(others / elapsed).toFixed(2)}. Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(" ")}.`,
      );
    }
  } finally {
    cleanup();
  }
}

await main();
