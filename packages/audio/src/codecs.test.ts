// MP3 and FLAC made by Debian's ffmpeg from a WAV we generate, then decoded and inspected by us.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "./decode";
import { inspectAudio } from "./inspect";
import { openAudioStream } from "./stream/open-audio-stream";
import { chunked, expectCode, ffmpegConvert, makeWav, once, requireTool, sine, tempDir, zeroCrossingHz } from "./test-support";
import { type AudioFormat } from "./types";

const RATE = 44100;
const SECONDS = 2.5;
const FRAMES = RATE * SECONDS + 123; // not a multiple of any codec's frame size
const AMPLITUDE = 10 ** (-6 / 20);
/** Gapless MP3 decoding removes the encoder's delay and padding, but allow for a frame or two either way. */
const MP3_SLACK_SEC = 0.06;

const files: Record<string, Uint8Array> = {};
const tmp = tempDir();

beforeAll(() => {
  requireTool("ffmpeg");
  const wav = makeWav({ kind: "s16", sampleRate: RATE, channels: 2, frames: FRAMES, signal: sine(440, AMPLITUDE, RATE) });
  const wav24 = makeWav({ kind: "s24", sampleRate: 48000, channels: 1, frames: 48000, signal: sine(440, AMPLITUDE, 48000) });
  const long = makeWav({ kind: "s16", sampleRate: 22050, channels: 1, frames: 22050 * 20 });
  files.wav = wav;
  files.mp3 = ffmpegConvert(tmp.dir, wav, "mp3", ["-c:a", "libmp3lame", "-b:a", "128k"]);
  files.mp3Mono = ffmpegConvert(tmp.dir, wav, "mp3", ["-ac", "1", "-c:a", "libmp3lame", "-q:a", "4"]);
  files.mp3Id3v1 = ffmpegConvert(tmp.dir, wav, "mp3", ["-c:a", "libmp3lame", "-b:a", "96k", "-write_id3v1", "1", "-metadata", "title=Sine"]);
  files.mp3Long = ffmpegConvert(tmp.dir, long, "mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]);
  files.flac = ffmpegConvert(tmp.dir, wav, "flac", ["-c:a", "flac"]);
  files.flac24 = ffmpegConvert(tmp.dir, wav24, "flac", ["-c:a", "flac"]);
  files.flacLong = ffmpegConvert(tmp.dir, long, "flac", ["-c:a", "flac"]);
  // Written to a pipe, ffmpeg cannot go back to fill in STREAMINFO's total: the length is unknown.
  files.flacNoTotal = ffmpegConvert(tmp.dir, wav, "flac", ["-c:a", "flac", "-f", "flac"]);
  const si = files.flacNoTotal;
  si.fill(0, 8 + 13, 8 + 18); // zero STREAMINFO's 36-bit total (and the MD5 lead-in) as a streaming encoder writes it
  si[8 + 13] = files.flac[8 + 13]! & 0xf0; // keep bits per sample
});
afterAll(() => tmp.cleanup());

describe("MP3 and FLAC of the same sine", () => {
  it.each([
    ["mp3", "mp3", MP3_SLACK_SEC],
    ["flac", "flac", 0],
  ] as const)("%s decodes to the same frequency and length", async (name, format, slack) => {
    const audio = await decodeAudio(files[name]!, format);
    expect(audio.sampleRate).toBe(RATE);
    expect(audio.channels).toHaveLength(2);
    expect(Math.abs(audio.channels[0]!.length - FRAMES) / RATE).toBeLessThanOrEqual(slack);
    for (const x of audio.channels) expect(zeroCrossingHz(x, RATE)).toBeCloseTo(440, 0);
  });

  it("a streamed FLAC decode yields exactly STREAMINFO's sample count, whatever the chunking", async () => {
    for (const size of [1, 7, 4096, 65536]) {
      const { info, blocks } = await openAudioStream(chunked(files.flac!, size), { format: "flac" });
      expect(info.frames).toBe(FRAMES);
      let frames = 0;
      for await (const block of blocks) frames += block[0]!.length;
      expect(frames, `chunks of ${size}`).toBe(FRAMES);
    }
  });

  it("inspects MP3: codec, no bit depth, duration, peaks", async () => {
    const info = await inspectAudio(chunked(files.mp3!, 4096), { format: "mp3" });
    expect(info).toMatchObject({ container: "mp3", codec: "mp3", sampleRate: RATE, channels: 2, bitDepth: null });
    expect(Math.abs(info.durationSec - FRAMES / RATE)).toBeLessThanOrEqual(MP3_SLACK_SEC);
    expectPeaksNear(info.peaks, 0.5, 0.03);

    const mono = await inspectAudio(once(files.mp3Mono!), { format: "mp3" });
    expect(mono.channels).toBe(1);
    expect((await decodeAudio(files.mp3Mono!, "mp3")).channels).toHaveLength(1);
  });

  it("keeps a trailing ID3v1 tag apart from the last MP3 frame", async () => {
    const bytes = files.mp3Id3v1!;
    expect(new TextDecoder().decode(bytes.subarray(bytes.length - 128, bytes.length - 125))).toBe("TAG");
    const tagged = await decodeAudio(bytes, "mp3");
    expect(Math.abs(tagged.channels[0]!.length - FRAMES) / RATE).toBeLessThanOrEqual(MP3_SLACK_SEC);
    // A damaged tag is junk after the audio, not a cut frame: the audio is all there.
    expect(await decodeAudio(bytes.subarray(0, bytes.length - 1), "mp3")).toEqual(tagged);
  });

  it("accepts a FLAC file that a tagger gave an ID3v1 trailer", async () => {
    const tag = new Uint8Array(128).fill(0x20);
    tag.set([0x54, 0x41, 0x47]); // "TAG"
    for (const name of ["flac", "flacNoTotal"]) {
      const bytes = new Uint8Array([...files[name]!, ...tag]);
      expect((await inspectAudio(chunked(bytes, 1000), { format: "flac" })).frames).toBe(FRAMES);
    }
  });

  it("inspects FLAC: codec, bit depth from STREAMINFO, exact duration, peaks", async () => {
    const info = await inspectAudio(chunked(files.flac!, 4096), { format: "flac" });
    expect(info).toMatchObject({ container: "flac", codec: "flac", sampleRate: RATE, channels: 2, bitDepth: 16, frames: FRAMES });
    expect(info.durationSec).toBe(FRAMES / RATE);
    expectPeaksNear(info.peaks, 0.5, 0.01);

    expect(await inspectAudio(once(files.flac24!), { format: "flac" })).toMatchObject({ bitDepth: 24, sampleRate: 48000, channels: 1, frames: 48000 });
    const noTotal = await inspectAudio(chunked(files.flacNoTotal!, 1000), { format: "flac" });
    expect(noTotal.frames).toBe(FRAMES);
    // Without a declared length the peaks come from merged bins whose edges may straddle buckets.
    expect(noTotal.peaks.count).toBe(info.peaks.count);
    for (let j = 0; j < info.peaks.count; j++) expect(Math.abs(noTotal.peaks.max[j]! - info.peaks.max[j]!)).toBeLessThanOrEqual(0.001);
  });

  it.each(["mp3", "flac", "flacNoTotal"])("%s: chunk boundaries do not change the result", async (name) => {
    const format: AudioFormat = name.startsWith("mp3") ? "mp3" : "flac";
    const reference = await inspectAudio(once(files[name]!), { format, peakCount: 50 });
    expect(await inspectAudio(chunked(files[name]!, 7), { format, peakCount: 50 })).toEqual(reference);
    expect(await inspectAudio(chunked(files[name]!, 1), { format, peakCount: 50 })).toEqual(reference);
  });
});

describe("bad MP3 and FLAC", () => {
  it.each([
    ["mp3", "mp3"],
    ["mp3Id3v1", "mp3"],
    ["flac", "flac"],
    ["flacNoTotal", "flac"],
  ] as const)("truncated %s → CORRUPT_FILE", async (name, format) => {
    const bytes = files[name]!;
    // Cut inside the last frames (past any ID3v1 tag), at a few positions.
    for (const cut of [150, 333, 1001]) {
      await expectCode(inspectAudio(chunked(bytes.subarray(0, bytes.length - cut), 4096), { format }), "CORRUPT_FILE");
    }
    await expectCode(decodeAudio(bytes.subarray(0, bytes.length - 150), format), "CORRUPT_FILE");
  });

  it.each(["mp3", "flac", "wav"] as const)("random bytes as %s → CORRUPT_FILE", async (format) => {
    let seed = 42;
    const random = Uint8Array.from({ length: 200_000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    await expectCode(inspectAudio(chunked(random, 8192), { format }), "CORRUPT_FILE");
    await expectCode(decodeAudio(new Uint8Array(0), format), "CORRUPT_FILE");
  });

  it("another format's bytes → CORRUPT_FILE", async () => {
    await expectCode(decodeAudio(files.wav!, "mp3"), "CORRUPT_FILE");
    await expectCode(decodeAudio(files.mp3!, "flac"), "CORRUPT_FILE");
    await expectCode(decodeAudio(files.flac!, "wav"), "CORRUPT_FILE");
  });

  it.each([
    ["mp3Long", "mp3"],
    ["flacLong", "flac"],
  ] as const)("%s over the limit → TOO_LONG, stopping early", async (name, format) => {
    const bytes = files[name]!; // 20 s
    let pulled = 0;
    async function* counting() {
      for await (const chunk of chunked(bytes, 4096)) {
        pulled += chunk.length;
        yield chunk;
      }
    }
    const err = await expectCode(inspectAudio(counting(), { format, maxSeconds: 5 }), "TOO_LONG");
    expect(err.message).toMatch(/the limit (is|of) 5 s/);
    expect(pulled).toBeLessThan(bytes.length / 2);
  });
});

function expectPeaksNear(peaks: { count: number; min: number[]; max: number[] }, level: number, tolerance: number) {
  expect(peaks.min).toHaveLength(peaks.count);
  expect(peaks.max).toHaveLength(peaks.count);
  // The first and last buckets may hold a codec's fade-in or padding.
  for (let j = 1; j < peaks.count - 1; j++) {
    expect(Math.abs(peaks.max[j]! - level)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(peaks.min[j]! + level)).toBeLessThanOrEqual(tolerance);
  }
  for (const v of [...peaks.min, ...peaks.max]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
}
