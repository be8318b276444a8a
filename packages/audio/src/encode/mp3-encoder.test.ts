// MP3 written by lamejs, read back by our decoder and by Debian's ffmpeg.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Mp3Encoder } from "@breezystack/lamejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "../decode";
import { parseMpegHeader } from "../mp3/mpeg-header";
import { requireTool, tempDir, zeroCrossingHz } from "../test-support";
import { type AudioBuffer } from "../types";
import { AudioEncodeError } from "./encode-error";
import { encodeMp3, MP3_SAMPLE_RATES, mp3BitratesFor } from "./mp3-encoder";

const RATE = 44_100;
const FRAMES = Math.round(RATE * 2.5) + 123; // not a whole number of MP3 frames
const AMPLITUDE = 0.5;

function tone(sampleRate: number, frames: number, freqs: number[], amplitude = AMPLITUDE): AudioBuffer {
  return {
    sampleRate,
    channels: freqs.map((hz) => {
      const x = new Float32Array(frames);
      for (let i = 0; i < frames; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate);
      return x;
    }),
  };
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (to - from));
}

/** Every frame header from the start to the end of the file; fails on anything between frames. */
function frameHeaders(bytes: Uint8Array): { at: number; frameBytes: number; sampleRate: number }[] {
  const out = [];
  for (let p = 0; p < bytes.length; ) {
    const header = parseMpegHeader(bytes, p);
    if (!header) throw new Error(`no MPEG frame at byte ${p} of ${bytes.length}`);
    out.push({ at: p, frameBytes: header.frameBytes, sampleRate: header.sampleRate });
    p += header.frameBytes;
  }
  return out;
}

function expectInvalid(run: () => unknown, message: RegExp): void {
  let error: unknown = null;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AudioEncodeError);
  expect((error as AudioEncodeError).code).toBe("INVALID_OPTIONS");
  expect((error as Error).message).toMatch(message);
}

const tmp = tempDir();
beforeAll(() => requireTool("ffmpeg"));
afterAll(() => tmp.cleanup());

describe("encodeMp3: a stereo sine at 192 kbit/s", () => {
  // Different tones left and right, so a channel swap or a mono fold-down shows.
  const input = tone(RATE, FRAMES, [440, 660]);
  const mp3 = encodeMp3(input, { bitrateKbps: 192 });

  it("decodes back to the same tones, level and exact length (the LAME header removes delay and padding)", async () => {
    const out = await decodeAudio(mp3, "mp3");
    expect(out.sampleRate).toBe(RATE);
    expect(out.channels).toHaveLength(2);
    expect(out.channels[0]!.length).toBe(FRAMES);
    const mid = [RATE * 0.25, RATE * 2.25] as const;
    expect(zeroCrossingHz(out.channels[0]!.subarray(...mid), RATE)).toBeCloseTo(440, 1);
    expect(zeroCrossingHz(out.channels[1]!.subarray(...mid), RATE)).toBeCloseTo(660, 1);
    for (let ch = 0; ch < 2; ch++) {
      const db = 20 * Math.log10(rms(out.channels[ch]!, ...mid) / (AMPLITUDE / Math.SQRT2));
      expect(Math.abs(db)).toBeLessThan(0.5);
    }
  });

  it("is aligned with its input: no encoder delay left at the start", async () => {
    const out = (await decodeAudio(mp3, "mp3")).channels[0]!;
    const x = input.channels[0]!;
    // The difference from the input is coding noise, far below the signal; a shift of even a few
    // samples at 440 Hz would make it comparable to the signal.
    const diff = new Float32Array(RATE);
    for (let i = 0; i < RATE; i++) diff[i] = out[RATE + i]! - x[RATE + i]!;
    expect(rms(diff) / rms(x, RATE, 2 * RATE)).toBeLessThan(0.05);
  });

  it("is nothing but MPEG-1 Layer III frames, an Info/LAME header first, at the asked bitrate", () => {
    expect([mp3[0], mp3[1]]).toEqual([0xff, 0xfb]); // no ID3 tag; MPEG-1 Layer III, no CRC
    const frames = frameHeaders(mp3);
    const first = new TextDecoder().decode(mp3.subarray(0, frames[0]!.frameBytes));
    expect(first).toContain("Info");
    expect(first).toContain("LAME");
    // 144 · 192000 / 44100 = 626.9: 626 bytes, 627 with the padding slot.
    for (const f of frames.slice(1)) expect([626, 627]).toContain(f.frameBytes);
    expect(frames.every((f) => f.sampleRate === RATE)).toBe(true);
    const kbps = (mp3.length * 8) / (FRAMES / RATE) / 1000;
    expect(Math.abs(kbps - 192) / 192).toBeLessThan(0.1);
  });

  it("has a LAME header whose checksum is CRC-16 of the bytes before it", () => {
    const tag = 4 + 32 + 120; // header, MPEG-1 stereo side info, the Xing part
    expect(new TextDecoder().decode(mp3.subarray(tag, tag + 4))).toBe("LAME");
    const crcAt = tag + 34;
    let crc = 0;
    for (let i = 0; i < crcAt; i++) {
      crc ^= mp3[i]!;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
    expect((mp3[crcAt]! << 8) | mp3[crcAt + 1]!).toBe(crc);
  });

  it("is read by ffmpeg without an error, at the same exact length", () => {
    const file = join(tmp.dir, "sine.mp3");
    writeFileSync(file, mp3);
    const check = spawnSync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-f", "f32le", "-"], { maxBuffer: 1 << 26 });
    expect(raw.length / 4 / 2).toBe(FRAMES);
  });
});

describe("encodeMp3: rates, channels and bitrates", () => {
  it.each([
    [48_000, 1, 128, 0xfb],
    [22_050, 2, 64, 0xf3], // MPEG-2
    [8_000, 1, 32, 0xe3], // MPEG-2.5
  ])("%i Hz, %i channel(s), %i kbit/s: the right MPEG version, tone and length", async (sampleRate, channels, kbps, second) => {
    const frames = Math.round(sampleRate * 1.5);
    const mp3 = encodeMp3(tone(sampleRate, frames, Array<number>(channels).fill(440)), { bitrateKbps: kbps });
    expect([mp3[0], mp3[1]]).toEqual([0xff, second]);
    const out = await decodeAudio(mp3, "mp3");
    expect(out.sampleRate).toBe(sampleRate);
    expect(out.channels).toHaveLength(channels);
    expect(out.channels[0]!.length).toBe(frames);
    expect(zeroCrossingHz(out.channels[0]!.subarray(sampleRate * 0.25, sampleRate * 1.25), sampleRate)).toBeCloseTo(440, 0);
  });

  it("keeps the sample rate, the tone and the length at every bitrate it accepts", async () => {
    const bad: string[] = [];
    for (const sampleRate of MP3_SAMPLE_RATES) {
      for (const channels of [1, 2] as const) {
        for (const kbps of mp3BitratesFor(sampleRate, channels)) {
          const frames = Math.round(sampleRate * 0.3);
          const out = await decodeAudio(encodeMp3(tone(sampleRate, frames, Array<number>(channels).fill(440)), { bitrateKbps: kbps }), "mp3");
          const hz = zeroCrossingHz(out.channels[0]!.subarray(frames / 4, frames), out.sampleRate);
          if (out.sampleRate !== sampleRate || out.channels[0]!.length !== frames || !(Math.abs(hz - 440) < 2)) {
            bad.push(`${sampleRate} Hz ×${channels} @${kbps}: ${out.sampleRate} Hz, ${out.channels[0]!.length} frames, ${hz.toFixed(1)} Hz`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("refuses exactly the bitrates at which LAME would resample", () => {
    for (const sampleRate of MP3_SAMPLE_RATES) {
      for (const channels of [1, 2] as const) {
        const allowed = mp3BitratesFor(sampleRate, channels);
        const all = mp3BitratesFor(sampleRate, 1).concat(mp3BitratesFor(sampleRate, 2), [8, 16, 24]);
        const below = Math.max(...all.filter((kbps) => kbps < allowed[0]!));
        if (!Number.isFinite(below)) continue; // nothing lower exists at this rate
        // lamejs on its own, one step below our lowest: the first frame says a lower sample rate.
        const encoder = new Mp3Encoder(channels, sampleRate, below);
        const block = new Int16Array(1152);
        const bytes = new Uint8Array(encoder.encodeBuffer(block, block).buffer);
        const header = parseMpegHeader(bytes, 0) ?? parseMpegHeader(new Uint8Array(encoder.flush().buffer), 0);
        expect(header?.sampleRate, `${sampleRate} Hz ×${channels} @${below}`).toBeLessThan(sampleRate);
      }
    }
  });

  it("clips a signal hotter than full scale instead of wrapping it", async () => {
    const hot = tone(RATE, RATE, [440, 440], 1.5);
    const out = await decodeAudio(encodeMp3(hot), "mp3");
    // A clipped 1.5 sine: flat tops at ±1, RMS about 0.85. Wrapped int16 would be full of jumps.
    const clipped = hot.channels[0]!.map((v) => Math.max(-1, Math.min(1, v)));
    const db = 20 * Math.log10(rms(out.channels[0]!, RATE / 4, RATE) / rms(clipped, RATE / 4, RATE));
    expect(Math.abs(db)).toBeLessThan(0.5);
    expect(zeroCrossingHz(out.channels[0]!.subarray(RATE / 4), RATE)).toBeCloseTo(440, 0);
  });

  it("writes NaN as silence rather than failing or making noise", async () => {
    const x = new Float32Array(RATE / 2).fill(Number.NaN);
    const out = await decodeAudio(encodeMp3({ sampleRate: RATE, channels: [x] }), "mp3");
    expect(out.channels[0]!.length).toBe(RATE / 2);
    expect(rms(out.channels[0]!)).toBe(0);
  });

  it("reports progress up to 1, about a hundred times", () => {
    const seen: number[] = [];
    encodeMp3(tone(RATE, RATE * 4, [440]), { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.length).toBeLessThanOrEqual(101);
    expect(seen.every((f, i) => f > 0 && (i === 0 || f > seen[i - 1]!))).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it("defaults to 192 kbit/s", () => {
    const mp3 = encodeMp3(tone(RATE, RATE, [440, 440]));
    expect(mp3[2]! >> 4).toBe(11); // MPEG-1 Layer III bitrate index 11 = 192 kbit/s
  });

});

describe("encodeMp3: clear refusals", () => {
  const stereo = tone(RATE, 1000, [440, 440]);

  it("a bitrate outside the MPEG set", () => {
    expectInvalid(() => encodeMp3(stereo, { bitrateKbps: 100 }), /100 kbit\/s.*112, 128, 160, 192, 224, 256, 320/);
    expectInvalid(() => encodeMp3(stereo, { bitrateKbps: 192.5 }), /cannot have a bitrate of 192\.5/);
    expectInvalid(() => encodeMp3(stereo, { bitrateKbps: 384 }), /cannot have a bitrate of 384/);
  });

  it("a bitrate too low to keep the sample rate", () => {
    expectInvalid(() => encodeMp3(stereo, { bitrateKbps: 96 }), /96 kbit\/s is too low for stereo MP3 at 44100 Hz.*112/);
  });

  it("a sample rate MP3 does not have", () => {
    expectInvalid(() => encodeMp3(tone(96_000, 1000, [440, 440])), /96000 Hz\. Resample it first to one of 8000, 11025.*48000 Hz/);
  });

  it("more than two channels, or none", () => {
    expectInvalid(() => encodeMp3(tone(RATE, 1000, [1, 2, 3, 4, 5, 6])), /one or two channels; this audio has 6\. Downmix/);
    expectInvalid(() => encodeMp3({ sampleRate: RATE, channels: [] }), /this audio has 0/);
  });

  it("empty audio (no decoder accepts an MP3 without samples)", () => {
    expectInvalid(() => encodeMp3({ sampleRate: RATE, channels: [new Float32Array(0), new Float32Array(0)] }), /empty/);
  });
});
