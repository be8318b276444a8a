import { describe, expect, it } from "vitest";
import { AudioDecodeError } from "../errors";
import { concat } from "../stream/bytes";
import { parseMpegHeader } from "./mpeg-header";
import { MpegFrameSplitter } from "./mpeg-frames";

// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, joint stereo: 144 * 128000 / 44100 = 417 bytes.
const HEADER = [0xff, 0xfb, 0x90, 0x44];
const FRAME = 417;

function frames(n: number): Uint8Array {
  const out = new Uint8Array(n * FRAME).fill(0x11);
  for (let i = 0; i < n; i++) out.set(HEADER, i * FRAME);
  return out;
}

function split(bytes: Uint8Array, chunk = bytes.length) {
  const s = new MpegFrameSplitter();
  const runs: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) runs.push(...s.push(bytes.subarray(i, i + chunk)));
  runs.push(...s.end());
  return { bytes: runs.reduce((n, r) => n + r.length, 0), frameBytes: s.frameBytes, skipped: s.skippedBytes };
}

describe("MpegFrameSplitter", () => {
  it("reads the header's frame length (ISO/IEC 11172-3 §2.4.3.1)", () => {
    expect(parseMpegHeader(new Uint8Array(HEADER), 0)).toEqual({ layer: 3, sampleRate: 44100, channels: 2, frameBytes: FRAME });
    expect(parseMpegHeader(new Uint8Array([0xff, 0xfb, 0x92, 0xc4]), 0)).toMatchObject({ channels: 1, frameBytes: FRAME + 1 }); // padded, mono
    // MPEG-2 LSF: bitrate index 9 is 80 kbit/s, and Layer III frames hold 576 samples: 72 * 80000 / 22050.
    expect(parseMpegHeader(new Uint8Array([0xff, 0xf3, 0x90, 0x44]), 0)).toMatchObject({ sampleRate: 22050, frameBytes: 261 });
    expect(parseMpegHeader(new Uint8Array([0xff, 0xfb, 0xf0, 0x44]), 0)).toBeNull(); // bitrate index 15
  });

  it("finds every frame whatever the chunking, and skips junk and trailers", () => {
    const tag = new Uint8Array(128).fill(0x54);
    const file = concat([new Uint8Array(100).fill(0x22), frames(20), tag]);
    for (const chunk of [1, 7, 1000, file.length]) expect(split(file, chunk)).toEqual({ bytes: 20 * FRAME, frameBytes: 20 * FRAME, skipped: 228 });
  });

  it("refuses a file cut inside a frame or inside the next header", () => {
    const file = frames(20);
    for (const cut of [1, 100, FRAME - 3, FRAME - 2, FRAME - 1]) {
      expect(() => split(file.subarray(0, file.length - cut), 64), `cut ${cut}`).toThrow(AudioDecodeError);
    }
    expect(() => split(concat([file, new Uint8Array([0xff, 0xfb])]), 64)).toThrow(/truncated/);
  });
});
