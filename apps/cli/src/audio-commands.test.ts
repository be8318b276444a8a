import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeAudio, decodeAudio, encodeWav, sineTone } from "@mini-studio/audio";
import { findWorkspaceRoot } from "@mini-studio/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `pnpm studio ...` from the repository root, as a user types it. */
function studio(args: string[]) {
  const result = spawnSync("pnpm", ["--silent", "studio", ...args], {
    cwd: findWorkspaceRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
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

  it("refuses an output format it cannot write, and options of the other format", () => {
    expect(studio(["fx", input, join(dir, "x.flac"), "--chain", "hall"]).stderr).toMatch(/FLAC is not supported/);
    expect(studio(["fx", input, join(dir, "x.wav"), "--chain", "hall", "--bitrate", "128"]).stderr).toMatch(/--bitrate is for \.mp3/);
    expect(studio(["fx", join(dir, "missing.wav"), join(dir, "x.wav"), "--chain", "hall"]).stderr).toMatch(/missing\.wav: no such file/);
  });
});

describe("studio analyze and convert", () => {
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

  it("converts to 24-bit WAV without changing the audio", async () => {
    const out = join(dir, "tone24.wav");
    expect(studio(["convert", input, out, "--bit-depth", "24"]).code).toBe(0);
    const [a, b] = await Promise.all([decodeAudio(readFileSync(input), "wav"), decodeAudio(readFileSync(out), "wav")]);
    expect(readFileSync(out).readUInt16LE(34)).toBe(24);
    expect(b.channels[1]).toEqual(a.channels[1]);
  });
});
