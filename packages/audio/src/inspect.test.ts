import { describe, expect, it } from "vitest";
import { decodeAudio } from "./decode";
import { inspectAudio } from "./inspect";
import { PeakAccumulator } from "./peaks";
import { KINDS, chunked, expectCode, makeWav, once, sine } from "./test-support";

const MINUS_6_DBFS = 10 ** (-6 / 20); // 0.501

describe("inspectAudio on WAV", () => {
  const spec = { kind: "s16" as const, sampleRate: 44100, channels: 2, frames: 44100 * 3 + 17, signal: sine(440, MINUS_6_DBFS, 44100) };
  const wav = makeWav(spec);

  it("reports format, duration and peaks", async () => {
    const info = await inspectAudio(chunked(wav, 65536), { format: "wav" });
    expect(info).toMatchObject({ container: "wav", codec: "pcm_s16le", sampleRate: 44100, channels: 2, bitDepth: 16, frames: spec.frames });
    expect(info.durationSec).toBeCloseTo(3.0004, 4);
    expect(info.peaks.count).toBe(800);
    expect(info.peaks.min).toHaveLength(800);
    expect(info.peaks.max).toHaveLength(800);
    for (let j = 0; j < 800; j++) {
      expect(info.peaks.max[j]).toBeCloseTo(0.5, 2);
      expect(info.peaks.min[j]).toBeCloseTo(-0.5, 2);
    }
  });

  it("gives identical results whatever the chunk boundaries", async () => {
    const reference = await inspectAudio(once(wav), { format: "wav", peakCount: 100 });
    expect(await inspectAudio(chunked(wav, 1), { format: "wav", peakCount: 100 })).toEqual(reference);
    expect(await inspectAudio(chunked(wav, 7), { format: "wav", peakCount: 100 })).toEqual(reference);
  });

  it("takes exactly the peaks of the decoded audio, from the file's own samples, in every sample format", async () => {
    const noisy = (c: number, i: number) => Math.sin(i * 0.013 + c) * 0.8 + (((i * 7919 + c * 31) % 1000) / 1000 - 0.5) * 0.3;
    for (const kind of KINDS) {
      for (const channels of [1, 2, 6]) {
        const file = makeWav({ kind, sampleRate: 22050, channels, frames: 30_011, signal: noisy });
        const decoded = await decodeAudio(file, "wav");
        const fromDecoded = new PeakAccumulator(300, decoded.channels[0]!.length);
        fromDecoded.add(decoded.channels);
        const info = await inspectAudio(chunked(file, 4099), { format: "wav", peakCount: 300 });
        expect(info.peaks, `${kind}, ${channels} channels`).toEqual(fromDecoded.result());
      }
    }
  });

  it("follows the signal's envelope, clamps to [-1, 1] and rounds to 4 decimals", async () => {
    // 1 s rising from silence to full scale, then a float overshoot to 1.5.
    const ramp = makeWav({ kind: "f32", sampleRate: 8000, channels: 1, frames: 16000, signal: (_c, i) => (i < 8000 ? (i / 8000) * Math.sin(i) : 1.5) });
    const { peaks } = await inspectAudio(once(ramp), { format: "wav", peakCount: 10 });
    expect(peaks.max.slice(0, 5)).toEqual([...peaks.max.slice(0, 5)].sort((a, b) => a - b));
    expect(peaks.max[0]!).toBeLessThan(0.21);
    expect(peaks.max.slice(5)).toEqual([1, 1, 1, 1, 1]);
    for (const v of [...peaks.min, ...peaks.max]) expect(Math.round(v * 1e4) / 1e4).toBe(v);
  });

  it("returns fewer peaks than asked for a file with fewer frames", async () => {
    const tiny = makeWav({ kind: "s16", sampleRate: 8000, channels: 1, frames: 5 });
    const info = await inspectAudio(once(tiny), { format: "wav" });
    expect(info.peaks.count).toBe(5);
    expect(info.peaks.max).toHaveLength(5);
  });

  it("refuses a long WAV from its header, without reading the data", async () => {
    // 612.3 s of 16-bit stereo 44.1 kHz declared; the source throws if read past the header.
    const frames = Math.round(612.3 * 44100);
    const header = makeWav({ kind: "s16", sampleRate: 44100, channels: 2, frames: 0 });
    new DataView(header.buffer).setUint32(header.length - 4, frames * 4, true);
    let readPastHeader = false;
    async function* source() {
      yield header;
      readPastHeader = true;
      throw new Error("read past the header");
    }
    const err = await expectCode(inspectAudio(source(), { format: "wav", maxSeconds: 600 }), "TOO_LONG");
    expect(err.message).toBe("The audio is 612.3 s long; the limit is 600 s.");
    expect(err.details).toMatchObject({ limitSec: 600 });
    expect(readPastHeader).toBe(false);
  });

  it("accepts a file at the limit", async () => {
    const info = await inspectAudio(once(wav), { format: "wav", maxSeconds: 3.001 });
    expect(info.frames).toBe(spec.frames);
  });

  it("keeps memory flat on a 32 MB stream", async () => {
    // 32 MiB of 16-bit stereo 48 kHz (~175 s), generated on the fly from one reused 64 KiB buffer.
    const dataBytes = 32 * 1024 * 1024;
    const header = makeWav({ kind: "s16", sampleRate: 48000, channels: 2, frames: 0 });
    new DataView(header.buffer).setUint32(header.length - 4, dataBytes, true);
    const block = makeWav({ kind: "s16", sampleRate: 48000, channels: 2, frames: 16384 }).subarray(header.length);
    const before = process.memoryUsage().rss;
    let peak = before;
    async function* source() {
      yield header;
      for (let sent = 0; sent < dataBytes; sent += block.length) {
        peak = Math.max(peak, process.memoryUsage().rss);
        yield block;
      }
    }
    const info = await inspectAudio(source(), { format: "wav" });
    expect(info.frames).toBe(dataBytes / 4);
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("validates its options", async () => {
    const tiny = makeWav({ kind: "s16", sampleRate: 8000, channels: 1, frames: 5 });
    await expect(inspectAudio(once(tiny), { format: "wav", peakCount: 0 })).rejects.toThrow(RangeError);
    await expect(inspectAudio(once(tiny), { format: "wav", maxSeconds: Number.NaN })).rejects.toThrow(RangeError);
  });
});
