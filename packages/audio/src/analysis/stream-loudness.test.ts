import { describe, expect, it } from "vitest";
import { decodeAudio } from "../decode";
import { AudioDecodeError } from "../errors";
import { encodeMp3 } from "../encode/mp3-encoder";
import { type AudioBuffer } from "../types";
import { encodeWav, type WavBitDepth } from "../wav/wav-encoder";
import { measureLoudness } from "./loudness";
import { measureStreamLoudness } from "./stream-loudness";
import { ffmpegLoudness, musicLike, toneSegments } from "./test-signals";

/**
 * The file's bytes in pieces of the given sizes, in turn, each a copy in a fresh buffer as a file
 * reader hands them out: odd sizes split frames and the header; `misaligned` puts every piece at an
 * odd address, where 16-bit samples cannot be read in place.
 */
async function* pieces(bytes: Uint8Array, sizes: number[], misaligned = false): AsyncGenerator<Uint8Array> {
  const shift = misaligned ? 1 : 0;
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = Math.min(sizes[k % sizes.length]!, bytes.length - at);
    const chunk = new Uint8Array(n + shift).subarray(shift);
    chunk.set(bytes.subarray(at, at + n));
    yield chunk;
    at += n;
  }
}

const song = musicLike({ seconds: 12, sampleRate: 44_100, seed: 7 });

describe("measureStreamLoudness", () => {
  it.each<[WavBitDepth, number[], boolean]>([
    [16, [1 << 16], false],
    [16, [4093, 1, 7, 65_537], false],
    [16, [1 << 16], true],
    [24, [10_007], false],
    [32, [1 << 16, 3], false],
  ])("a %i-bit WAV read in pieces of %j (misaligned: %s) reads what measureLoudness reads on the decoded file", async (bitDepth, sizes, misaligned) => {
    const wav = encodeWav(song, { bitDepth });
    const decoded = await decodeAudio(wav, "wav");
    const expected = measureLoudness(decoded);
    const { info, frames, loudness } = await measureStreamLoudness(pieces(wav, sizes, misaligned), { format: "wav", byteLength: wav.length });
    expect(info).toMatchObject({ sampleRate: 44_100, channels: 2, bitDepth });
    expect(frames).toBe(decoded.channels[0]!.length);
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) expect(loudness[key]).toBeCloseTo(expected[key], 9);
  });

  it("an MP3 is decoded and measured", async () => {
    const mp3 = encodeMp3(song, { bitrateKbps: 192 });
    const decoded = await decodeAudio(mp3, "mp3");
    const { frames, loudness } = await measureStreamLoudness(pieces(mp3, [1 << 15]), { format: "mp3" });
    expect(frames).toBe(decoded.channels[0]!.length);
    expect(loudness.integratedLufs).toBeCloseTo(measureLoudness(decoded).integratedLufs, 9);
  });

  it("gives ffmpeg's ebur128 summary: integrated loudness, range, both thresholds, range low and high (±0.2)", async () => {
    const theirs = ffmpegLoudness(song);
    const wav = encodeWav(song, { bitDepth: 24 });
    const { loudness } = await measureStreamLoudness(pieces(wav, [1 << 16]), { format: "wav" });
    for (const key of ["integratedLufs", "loudnessRangeLu", "integratedThresholdLufs", "rangeThresholdLufs", "rangeLowLufs", "rangeHighLufs"] as const) {
      expect(Math.abs(loudness[key] - theirs[key]), key).toBeLessThanOrEqual(0.2);
    }
  });

  it("a steady tone: the gates sit 10 and 20 LU below its level, and the range starts and ends at it", async () => {
    const tone: AudioBuffer = toneSegments(48_000, [{ seconds: 10, dbfs: -23 }]);
    const wav = encodeWav(tone, { bitDepth: 16 });
    const { loudness } = await measureStreamLoudness(pieces(wav, [1 << 16]), { format: "wav" });
    expect(loudness.integratedLufs).toBeCloseTo(-23, 1);
    expect(loudness.integratedThresholdLufs).toBeCloseTo(loudness.integratedLufs - 10, 2);
    expect(loudness.rangeThresholdLufs).toBeCloseTo(loudness.integratedLufs - 20, 2);
    expect(loudness.rangeLowLufs).toBeCloseTo(loudness.integratedLufs, 2);
    expect(loudness.rangeHighLufs).toBeCloseTo(loudness.integratedLufs, 2);
    expect(loudness.loudnessRangeLu).toBeCloseTo(0, 2);
  });

  it("refuses a truncated WAV and one without audio, as decoding does", async () => {
    const wav = encodeWav(song, { bitDepth: 16 });
    const truncated = measureStreamLoudness(pieces(wav.subarray(0, wav.length - 1000), [1 << 16]), { format: "wav" });
    await expect(truncated).rejects.toBeInstanceOf(AudioDecodeError);
    await expect(truncated).rejects.toMatchObject({ code: "CORRUPT_FILE" });
    const empty = encodeWav({ sampleRate: 44_100, channels: [new Float32Array(0), new Float32Array(0)] });
    await expect(measureStreamLoudness(pieces(empty, [64]), { format: "wav" })).rejects.toMatchObject({ code: "CORRUPT_FILE", message: "The file contains no audio." });
    await expect(measureStreamLoudness(pieces(wav, [1 << 16]), { format: "wav", maxSeconds: 5 })).rejects.toMatchObject({ code: "TOO_LONG" });
  });
});
