/**
 * One benchmark process: loads the voice, sings the benchmark lyrics once cold and then `warm`
 * times more, and prints one JSON line (SingOnceReport) on stdout. Run by run.ts, one process per
 * measurement, so that peak RSS and first-use costs belong to that measurement alone:
 *
 *   node --import tsx bench/synth/sing-once.ts <voice-dir> <lines> <warm-runs> [<syllables-per-line>] [<threads>]
 *
 * <threads> is `1` (loadVoicebank's default: one onnxruntime thread per session) or `ort`
 * (intraOpNumThreads/interOpNumThreads 0: onnxruntime's own pools, a thread per core each).
 *
 * The library is imported dynamically so that its import (tsx compiling the sources, and the
 * @mini-studio/audio package it uses) is timed apart from Node starting, loading the voice and the
 * first `sing`.
 */
import { readFileSync } from "node:fs";

/** What one `sing` call cost. */
export type SingRun = {
  wallS: number;
  /** User + system CPU of the whole process during the call (all threads). */
  cpuS: number;
  audioS: number;
  timings: { text: number; acoustic: number; vocoder: number };
  /** Peak RSS of the process so far, after the call (KB, from process.resourceUsage().maxRSS). */
  peakRssKB: number;
  /** What is held right after the call, the result still referenced (bytes). */
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
};

export type SingOnceReport = {
  lines: number;
  syllables: number;
  notes: number;
  /** The phrases sing() renders one at a time; the longest one sizes onnxruntime's buffers. */
  phrases: { count: number; longestS: number };
  /** From process start to this file running: Node plus the tsx loader. */
  bootS: number;
  /** import("@mini-studio/synth"), tsx compiling it included. */
  importS: number;
  /** loadVoicebank: reading the bank and creating both ONNX sessions. */
  loadS: number;
  /** OS threads of the process before and after loadVoicebank (onnxruntime's pools show here). */
  threads: { beforeLoad: number | null; afterLoad: number | null };
  /** The session threads asked for: "1" (the library's default) or "ort" (onnxruntime's pools). */
  sessionThreads: SessionThreads;
  /** How the first sing found the pronouncing dictionary: its cache file, or generated it. */
  dictionary: { from: string; seconds: number };
  peakRssAfterLoadKB: number;
  cold: SingRun;
  warm: SingRun[];
  /** Whole process, start to the report: user + system CPU seconds. */
  processCpuS: number;
};

export type SessionThreads = "1" | "ort";

function threadCount(): number | null {
  try {
    const match = /^Threads:\s+(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function cpuSeconds(since?: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function main(): Promise<void> {
  const bootS = performance.now() / 1000;
  const [voiceDir, linesArg, warmArg, perLineArg, threadsArg = "1"] = process.argv.slice(2);
  const lines = Number(linesArg);
  const warmRuns = Number(warmArg ?? 1);
  const syllablesPerLine = Number(perLineArg ?? 8);
  const whole = (x: number, min: number) => Number.isInteger(x) && x >= min;
  if (!voiceDir || !whole(lines, 1) || !whole(warmRuns, 0) || !whole(syllablesPerLine, 1) || (threadsArg !== "1" && threadsArg !== "ort")) {
    throw new Error("usage: sing-once.ts <voice-dir> <lines> <warm-runs> [<syllables-per-line>] [1|ort]");
  }
  const sessionThreads: SessionThreads = threadsArg;

  let mark = performance.now();
  const { layoutPhrases, loadCmuDictionary, loadVoicebank, sing } = await import("@mini-studio/synth");
  const importS = (performance.now() - mark) / 1000;
  // After the timed import: lyrics.ts imports @mini-studio/audio, which the library's import counts.
  const { songLyrics } = await import("./lyrics");
  const lyrics = songLyrics(lines, { syllablesPerLine });

  const beforeLoad = threadCount();
  mark = performance.now();
  const sessionOptions = sessionThreads === "ort" ? { intraOpNumThreads: 0, interOpNumThreads: 0 } : {};
  const voice = await loadVoicebank(voiceDir, { sessionOptions });
  const loadS = (performance.now() - mark) / 1000;
  const afterLoad = threadCount();
  const peakRssAfterLoadKB = process.resourceUsage().maxRSS;

  let notes = 0;
  let syllables = 0;
  let phrases = { count: 0, longestS: 0 };
  const once = async (): Promise<SingRun> => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await sing({ lyrics, voice, bpm: 120, key: "C", scale: "major", seed: 1 });
    const wallS = (performance.now() - start) / 1000;
    const cpuS = cpuSeconds(cpu);
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    notes = result.notes.length;
    syllables = result.notes.filter((n) => !n.continues).length;
    const laid = layoutPhrases(result.notes);
    phrases = { count: laid.length, longestS: Math.max(...laid.map((p) => p.end - p.start)) };
    const samples = result.audio.channels[0]?.length ?? 0;
    return {
      wallS,
      cpuS,
      audioS: samples / result.audio.sampleRate,
      timings: { ...result.timings },
      peakRssKB: process.resourceUsage().maxRSS,
      memory: { rss, heapUsed, external, arrayBuffers },
    };
  };

  try {
    const cold = await once();
    // Already made ready by the first sing: this reports how, and what it cost then.
    const { from, seconds } = loadCmuDictionary();
    const warm: SingRun[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await once());
    const report: SingOnceReport = {
      lines,
      syllables,
      notes,
      phrases,
      bootS,
      importS,
      loadS,
      threads: { beforeLoad, afterLoad },
      sessionThreads,
      dictionary: { from, seconds },
      peakRssAfterLoadKB,
      cold,
      warm,
      processCpuS: cpuSeconds(),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await voice.release();
  }
}

await main();
