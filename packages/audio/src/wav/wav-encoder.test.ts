import { describe, expect, it } from "vitest";
import { decodeAudio } from "../decode";
import { encodeWav, sineTone, type WavBitDepth } from "./wav-encoder";

describe("encodeWav", () => {
  it.each([16, 24, 32] as WavBitDepth[])("round-trips a stereo sine through the decoder at %i bits", async (bitDepth) => {
    const tone = sineTone({ seconds: 0.25, freqHz: 1000, amplitude: 0.9, sampleRate: 48_000 });
    const bytes = encodeWav(tone, { bitDepth });
    expect(bytes.length).toBe(44 + 12_000 * 2 * (bitDepth / 8));
    const decoded = await decodeAudio(bytes, "wav");
    expect(decoded.sampleRate).toBe(48_000);
    expect(decoded.channels).toHaveLength(2);
    const tolerance = bitDepth === 32 ? 0 : 1 / 2 ** (bitDepth - 1);
    for (let i = 0; i < 12_000; i += 97) expect(Math.abs(decoded.channels[1]![i]! - tone.channels[1]![i]!)).toBeLessThanOrEqual(tolerance);
  });

  it("clips out-of-range integer samples instead of wrapping them", async () => {
    const bytes = encodeWav({ sampleRate: 8000, channels: [Float32Array.from([1.5, -1.5, 1])] }, { bitDepth: 16 });
    const { channels } = await decodeAudio(bytes, "wav");
    expect(Array.from(channels[0]!)).toEqual([32767 / 32768, -1, 32767 / 32768]);
  });
});
