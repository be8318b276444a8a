import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { analyzeAudio, decodeAudio, encodeWav, sineTone } from "@mini-studio/audio";
import { APP_VERSION } from "@mini-studio/config/workspace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The other CLI tests run it from source, through tsx; this one runs what `bin` ships: the bundle
// that build.mjs writes, with its parts and the plugins that trim what it loads.
const CLI_ROOT = join(import.meta.dirname, "..");
let out: string;
let input: string;

/** Inside the package, so that the bundle finds its external dependencies as dist/ would. */
beforeAll(() => {
  const cache = join(CLI_ROOT, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  out = mkdtempSync(join(cache, "bundle-test-"));
  const built = spawnSync(process.execPath, ["build.mjs", "--outdir", join(out, "dist")], { cwd: CLI_ROOT, encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  input = join(out, "tone.wav");
  writeFileSync(input, encodeWav(sineTone({ seconds: 3, freqHz: 440, amplitude: 0.25 })));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

function bundled(args: string[], nodeArgs: string[] = []) {
  const result = spawnSync(process.execPath, [...nodeArgs, join(out, "dist", "studio.cjs"), ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the bundle with a preload that runs `setup` first and, at exit, prints the JSON of `report`
 * as the last line of stderr; gives the run and that value.
 */
function bundledWatching(args: string[], setup: string, report: string) {
  const preload = join(out, "watch.cjs");
  writeFileSync(preload, `${setup}\nprocess.on("exit", () => process.stderr.write("\\n" + JSON.stringify(${report})));\n`);
  const run = bundled(args, ["--require", preload]);
  return { ...run, reported: run.code === 0 ? (JSON.parse(run.stderr.trim().split("\n").at(-1)!) as unknown) : undefined };
}

describe("the bundled CLI", () => {
  it("gives its version and its help", () => {
    expect(bundled(["--version"]).stdout.trim()).toBe(APP_VERSION);
    const help = bundled(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["fx", "analyze", "convert", "sing", "config"]) expect(help.stdout).toContain(command);
  });

  it("measures a file's loudness, and its full analysis", () => {
    const loudness = bundled(["analyze", "--loudness", "--json", input]);
    expect(loudness.code, loudness.stderr).toBe(0);
    // What the library measures on the same tone.
    expect(JSON.parse(loudness.stdout).integratedLufs).toBeCloseTo(analyzeAudio(sineTone({ seconds: 3, freqHz: 440, amplitude: 0.25 })).integratedLufs, 1);
    const full = bundled(["analyze", "--json", input]);
    expect(full.code, full.stderr).toBe(0);
    expect(JSON.parse(full.stdout).peakDbfs).toBeCloseTo(-12.04, 1);
  });

  it("runs an effects chain through its scratch file, and writes MP3 through the encoder it loads on demand", async () => {
    const wet = join(out, "hall.wav");
    const fx = bundled(["fx", input, wet, "--chain", '[{"type":"reverb","room_size":0.5},{"type":"normalize","peak_db":-1}]']);
    expect(fx.code, fx.stderr).toBe(0);
    expect(analyzeAudio(await decodeAudio(readFileSync(wet), "wav")).peakDbfs).toBeCloseTo(-1, 1);
    const mp3 = join(out, "tone.mp3");
    const convert = bundled(["convert", input, mp3, "--bitrate", "128"]);
    expect(convert.code, convert.stderr).toBe(0);
    const decoded = await decodeAudio(readFileSync(mp3), "mp3");
    expect(decoded.channels[0]!.length / decoded.sampleRate).toBeCloseTo(3, 1);
  });

  it("runs a long chain on two threads, its later effects in the worker that ships beside it", async () => {
    // 60 s is long enough for the chain to be split (effects/pipeline-split.ts). Without its worker
    // the chain would run on one thread, as correctly and more slowly: the test watches the thread start.
    const song = join(out, "song.wav");
    const made = spawnSync("sox", ["-n", "-r", "44100", "-c", "2", "-b", "16", song, "synth", "60", "pinknoise", "vol", "0.3"]);
    expect(made.status, String(made.stderr)).toBe(0);
    const chain = [{ type: "chorus" }, { type: "deesser" }, { type: "reverb" }, { type: "normalize", mode: "loudness", target_lufs: -16 }];
    const wet = join(out, "song-wet.wav");
    const fx = bundledWatching(
      ["fx", song, wet, "--chain", JSON.stringify(chain)],
      'const threads = require("node:worker_threads"); const started = [];\n' +
        "threads.Worker = class extends threads.Worker { constructor(entry, options) { started.push(String(entry)); super(entry, options); } };",
      "started",
    );
    expect(fx.code, fx.stderr).toBe(0);
    expect(fx.reported).toContain(pathToFileURL(join(out, "dist", "parts", "chain-worker.cjs")).href);
    expect(analyzeAudio(await decodeAudio(readFileSync(wet), "wav")).integratedLufs).toBeCloseTo(-16, 0);
  });

  it("converts MP3 and FLAC files of several read buffers to what decoding them whole gives", async () => {
    // 40 s of noise: an MP3 of 1.6 MB and a FLAC of 3 MB, read through one reused 1 MB buffer.
    const noise = join(out, "noise.wav");
    const made = spawnSync("sox", ["-n", "-r", "44100", "-c", "2", "-b", "16", noise, "synth", "40", "pinknoise", "vol", "0.3"]);
    expect(made.status, String(made.stderr)).toBe(0);
    const encoded = { mp3: join(out, "noise.mp3"), flac: join(out, "noise.flac") };
    for (const [format, path] of Object.entries(encoded)) {
      const ffmpeg = spawnSync("ffmpeg", ["-v", "error", "-y", "-i", noise, ...(format === "mp3" ? ["-b:a", "320k"] : []), path]);
      expect(ffmpeg.status, String(ffmpeg.stderr)).toBe(0);
      expect(readFileSync(path).length).toBeGreaterThan(1.5 * 1024 * 1024);
      const wav = join(out, `noise-from-${format}.wav`);
      const convert = bundled(["convert", path, wav, "--bit-depth", "32"]);
      expect(convert.code, convert.stderr).toBe(0);
      const whole = await decodeAudio(readFileSync(path), format as "mp3" | "flac");
      const converted = await decodeAudio(readFileSync(wav), "wav");
      expect(converted.channels.length).toBe(2);
      whole.channels.forEach((samples, c) => {
        const got = converted.channels[c]!;
        expect(got.length).toBe(samples.length);
        expect(got.every((value, i) => value === samples[i]), `channel ${c} of the ${format}`).toBe(true);
      });
    }
  });

  it("sings with the built-in voice, through the parts that bring the model runtime, the voice and the dictionary", async () => {
    const sung = join(out, "sung.wav");
    const sing = bundled(["sing", sung, "--lyrics", "hello world, la la la"]);
    expect(sing.code, sing.stderr).toBe(0);
    const audio = await decodeAudio(readFileSync(sung), "wav");
    expect(audio.sampleRate).toBe(44_100);
    expect(audio.channels[0]!.length / audio.sampleRate).toBeGreaterThan(2);
    expect(analyzeAudio(audio).rmsDbfs).toBeGreaterThan(-40);
  });

  it("starts without loading node:crypto or node:child_process, which it does not use", () => {
    // Each costs every command 5–7 ms at start: commander loads child_process for subcommands that
    // are programs of their own; nothing in the CLI needs node:crypto.
    const run = bundledWatching(["analyze", "--loudness", input], "", "process.moduleLoadList");
    expect(run.code, run.stderr).toBe(0);
    const loaded = run.reported as string[];
    expect(loaded).toContain("NativeModule fs");
    expect(loaded.filter((name) => /^NativeModule (crypto|child_process)$/.test(name))).toEqual([]);
  });
});
