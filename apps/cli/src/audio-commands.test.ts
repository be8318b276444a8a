import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeAudio, decodeAudio, encodeWav, sineTone } from "@mini-studio/audio";
import { findWorkspaceRoot } from "@mini-studio/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `pnpm studio ...` from the repository root, as a user types it. */
function studio(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("pnpm", ["--silent", "studio", ...args], {
    cwd: findWorkspaceRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
let input: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "studio-cli-"));
  input = join(dir, "tone.wav");
  writeFileSync(input, encodeWav(sineTone({ seconds: 3, freqHz: 440, amplitude: 0.25 })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("studio fx", () => {
  it("runs a JSON chain and writes the result, with progress on stderr", async () => {
    const out = join(dir, "louder.wav");
    const { code, stderr } = studio(["fx", input, out, "--chain", '[{"type":"gain","db":6},{"type":"fade_out","duration_s":1}]']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/fx: 100%/);
    const audio = await decodeAudio(readFileSync(out), "wav");
    expect(audio.channels[0]!.length).toBe(3 * 44_100);
    // +6 dB on a 0.25 sine peaks near 0.5, and the fade ends in silence.
    const middle = audio.channels[0]!.subarray(44_100, 2 * 44_100);
    expect(Math.max(...middle)).toBeCloseTo(0.25 * 10 ** (6 / 20), 2);
    expect(Math.abs(audio.channels[0]!.at(-1)!)).toBeLessThan(1e-3);
  });

  it("runs a preset and can write MP3", async () => {
    const out = join(dir, "podcast.mp3");
    const { code, stderr } = studio(["fx", input, out, "--chain", "podcast", "--bitrate", "128"]);
    expect(code, stderr).toBe(0);
    const audio = await decodeAudio(readFileSync(out), "mp3");
    expect(audio.channels[0]!.length).toBe(3 * 44_100);
    // The podcast preset ends at -16 LUFS.
    expect(analyzeAudio(audio).integratedLufs).toBeCloseTo(-16, 0);
  });

  it.each([
    ["an unknown effect", '[{"type":"warp"}]', /Invalid discriminator value/],
    ["a NaN parameter", '[{"type":"gain","db":"NaN"}]', /expected number/],
    ["an out-of-range parameter", '[{"type":"gain","db":1000}]', /at \[0\]\.db/],
    ["1000 effects", JSON.stringify(Array.from({ length: 1000 }, () => ({ type: "gain", db: 0 }))), /at most 32 effects/],
    ["text that is neither JSON nor a preset", "make it shine", /neither a preset/],
  ])("refuses %s with a clear message and writes nothing", (_label, chain, message) => {
    const out = join(dir, "refused.wav");
    const { code, stderr } = studio(["fx", input, out, "--chain", chain]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a damaged input, naming it, and leaves no partial output", () => {
    const broken = join(dir, "broken.wav");
    writeFileSync(broken, readFileSync(input).subarray(0, 20_000));
    const out = join(dir, "from-broken.wav");
    const { code, stderr } = studio(["fx", broken, out, "--chain", "hall"]);
    expect(code).toBe(1);
    expect(stderr).toContain(broken);
    expect(stderr).toMatch(/the file is only \d+ bytes long/);
    expect(readdirSync(dir).filter((name) => name.startsWith("from-broken"))).toEqual([]);
  });

  it("brings a chain's result to a peak through a scratch file that it leaves nowhere, also when it fails", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "studio-cli-scratch-"));
    try {
      const out = join(dir, "peaked.wav");
      const chain = '[{"type":"highpass","freq_hz":80},{"type":"normalize","peak_db":-3}]';
      const done = studio(["fx", input, out, "--chain", chain], { TMPDIR: scratch });
      expect(done.code, done.stderr).toBe(0);
      const audio = await decodeAudio(readFileSync(out), "wav");
      expect(audio.channels[0]!.length).toBe(3 * 44_100);
      expect(analyzeAudio(audio).peakDbfs).toBeCloseTo(-3, 1);
      // Cut inside the audio: the failure comes after the scratch file has been written to.
      const cut = join(dir, "cut.wav");
      writeFileSync(cut, readFileSync(input).subarray(0, 400_000));
      const failed = studio(["fx", cut, join(dir, "from-cut.wav"), "--chain", chain], { TMPDIR: scratch });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(cut);
      // tsx, which runs the CLI from source here, keeps its cache there too.
      expect(readdirSync(scratch).filter((name) => !name.startsWith("tsx-"))).toEqual([]);
      // Without a temporary directory to write to, the chain holds the signal in memory instead.
      const inMemory = join(dir, "peaked-in-memory.wav");
      const fallback = studio(["fx", input, inMemory, "--chain", chain], { TMPDIR: join(scratch, "missing") });
      expect(fallback.code, fallback.stderr).toBe(0);
      expect(readFileSync(inMemory).equals(readFileSync(out))).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("refuses an output format it cannot write, and options of the other format", () => {
    expect(studio(["fx", input, join(dir, "x.flac"), "--chain", "hall"]).stderr).toMatch(/FLAC is not supported/);
    expect(studio(["fx", input, join(dir, "x.wav"), "--chain", "hall", "--bitrate", "128"]).stderr).toMatch(/--bitrate is for \.mp3/);
    expect(studio(["fx", join(dir, "missing.wav"), join(dir, "x.wav"), "--chain", "hall"]).stderr).toMatch(/missing\.wav: no such file/);
  });
});

describe("studio analyze and convert", () => {
  it("stops quietly when the reader of its output goes away (`| head -1`)", () => {
    const result = spawnSync("bash", ["-c", `set -o pipefail; pnpm --silent studio analyze '${input}' | head -1`], {
      cwd: findWorkspaceRoot(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: "utf8",
    });
    expect(result.stdout).toMatch(/^file\s/);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/EPIPE|Error/) });
  });

  it("measures a file as JSON", () => {
    const { code, stdout } = studio(["analyze", input, "--json"]);
    expect(code).toBe(0);
    const measured = JSON.parse(stdout);
    expect(measured.durationSec).toBeCloseTo(3, 6);
    // A 0.25 sine: peak -12.04 dBFS, RMS 3.01 dB lower.
    expect(measured.peakDbfs).toBeCloseTo(-12.04, 1);
    expect(measured.rmsDbfs).toBeCloseTo(-15.05, 1);
    expect(measured.clippedSamples).toBe(0);
  });

  it("prints a table for people, with silence as -inf", () => {
    const silent = join(dir, "silent.wav");
    writeFileSync(silent, encodeWav(sineTone({ seconds: 1, amplitude: 0 })));
    const { code, stdout } = studio(["analyze", silent]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/peak\s+-inf dBFS/);
    expect(studio(["analyze", silent, "--json"]).stdout).toMatch(/"peakDbfs": null/);
  });

  it("measures the loudness only with --loudness: the full analysis's loudness, with the gates", () => {
    const full = JSON.parse(studio(["analyze", input, "--json"]).stdout);
    const { code, stdout } = studio(["analyze", input, "--loudness", "--json"]);
    expect(code).toBe(0);
    const measured = JSON.parse(stdout);
    expect(measured).toMatchObject({ codec: "pcm_s16le", sampleRate: 44_100, channels: 2, durationSec: 3 });
    expect(measured.integratedLufs).toBeCloseTo(full.integratedLufs, 9);
    expect(measured.loudnessRangeLu).toBeCloseTo(full.loudnessRangeLu, 9);
    // A steady tone: the relative gates 10 and 20 LU below it, the range's ends at its level.
    expect(measured.integratedThresholdLufs).toBeCloseTo(full.integratedLufs - 10, 1);
    expect(measured.rangeThresholdLufs).toBeCloseTo(full.integratedLufs - 20, 1);
    expect(measured.rangeLowLufs).toBeCloseTo(full.integratedLufs, 1);
    expect(measured.peakDbfs).toBeUndefined();
    const table = studio(["analyze", input, "--loudness"]).stdout;
    expect(table).toMatch(/integrated loudness\s+-\d+\.\d LUFS/);
    expect(table).toMatch(/ {2}threshold\s+-\d+\.\d LUFS/);
    expect(studio(["analyze", input, "--loudness", "--peaks", "10"]).stderr).toMatch(/--peaks goes with the full analysis/);
  });

  it("converts to 24-bit WAV without changing the audio", async () => {
    const out = join(dir, "tone24.wav");
    expect(studio(["convert", input, out, "--bit-depth", "24"]).code).toBe(0);
    const [a, b] = await Promise.all([decodeAudio(readFileSync(input), "wav"), decodeAudio(readFileSync(out), "wav")]);
    expect(readFileSync(out).readUInt16LE(34)).toBe(24);
    expect(b.channels[1]).toEqual(a.channels[1]);
  });
});
