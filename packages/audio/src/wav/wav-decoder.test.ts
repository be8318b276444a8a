import { describe, expect, it } from "vitest";
import { decodeAudio } from "../decode";
import { inspectAudio } from "../inspect";
import { KINDS, chunked, expectCode, fmtChunk, makeWav, pcmData, riff, sine, zeroCrossingHz } from "../test-support";
import { type SampleKind } from "./wav-format";

/** Largest decode error: half a quantisation step for integers, float32 rounding for floats. */
const TOLERANCE: Record<SampleKind, number> = { u8: 1 / 128, s16: 1 / 32768, s24: 1 / 2 ** 23, s32: 1e-7, f32: 1e-7, f64: 1e-7 };
const CODEC: Record<SampleKind, string> = { u8: "pcm_u8", s16: "pcm_s16le", s24: "pcm_s24le", s32: "pcm_s32le", f32: "pcm_f32le", f64: "pcm_f64le" };

describe("WAV decode", () => {
  const cases = KINDS.flatMap((kind) => [
    { kind, channels: 1, sampleRate: 8000, extensible: false },
    { kind, channels: 2, sampleRate: 44100, extensible: false },
    { kind, channels: 6, sampleRate: 48000, extensible: true },
    { kind, channels: 2, sampleRate: 96000, extensible: true },
  ]);

  it.each(cases)("$kind, $channels ch, $sampleRate Hz, extensible=$extensible", async (c) => {
    const frames = Math.round(c.sampleRate * 0.25) + 7;
    const signal = sine(440, 0.5, c.sampleRate);
    const audio = await decodeAudio(makeWav({ ...c, frames, signal }), "wav");

    expect(audio.sampleRate).toBe(c.sampleRate);
    expect(audio.channels).toHaveLength(c.channels);
    for (const [ch, x] of audio.channels.entries()) {
      expect(x.length).toBe(frames);
      let worst = 0;
      for (let i = 0; i < frames; i++) worst = Math.max(worst, Math.abs(x[i]! - signal(ch, i)));
      expect(worst).toBeLessThanOrEqual(TOLERANCE[c.kind]);
      expect(zeroCrossingHz(x, c.sampleRate)).toBeCloseTo(440, 0);
    }

    const info = await inspectAudio(chunked(makeWav({ ...c, frames, signal }), 4096), { format: "wav" });
    expect(info).toMatchObject({ container: "wav", codec: CODEC[c.kind], channels: c.channels, sampleRate: c.sampleRate, frames });
    expect(info.bitDepth).toBe({ u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 }[c.kind]);
  });

  it("maps integer full scale to [-1, 1)", async () => {
    const wav = makeWav({ kind: "s16", sampleRate: 8000, channels: 1, frames: 3, signal: (_c, i) => [-1, 0, 1][i]! });
    expect([...(await decodeAudio(wav, "wav")).channels[0]!]).toEqual([-1, 0, 32767 / 32768]);
    const u8 = makeWav({ kind: "u8", sampleRate: 8000, channels: 1, frames: 3, signal: (_c, i) => [-1, 0, 1][i]! });
    expect([...(await decodeAudio(u8, "wav")).channels[0]!]).toEqual([-1, 0, 127 / 128]);
  });

  it("skips unknown chunks, odd-sized ones with their pad byte, before and after the data", async () => {
    const spec = { kind: "s16" as const, sampleRate: 22050, channels: 2, frames: 1001 };
    const plain = await decodeAudio(makeWav(spec), "wav");
    const list = new TextEncoder().encode("INFOISFT\x05\x00\x00\x00Mini\x00"); // odd size
    const wav = riff([
      ["JUNK", new Uint8Array(27)],
      ["fmt ", fmtChunk(spec)],
      ["LIST", list],
      ["data", pcmData(spec)],
      ["id3 ", new Uint8Array(13)],
    ]);
    expect(await decodeAudio(wav, "wav")).toEqual(plain);
  });

  it("reads odd data sizes (8-bit mono) and the extensible layout with fewer valid bits", async () => {
    const odd = { kind: "u8" as const, sampleRate: 8000, channels: 1, frames: 801 };
    expect((await decodeAudio(riff([["fmt ", fmtChunk(odd)], ["data", pcmData(odd)], ["LIST", new Uint8Array(4)]]), "wav")).channels[0]).toHaveLength(801);

    const spec = { kind: "s24" as const, sampleRate: 48000, channels: 2, frames: 100, extensible: true };
    const fmt = fmtChunk(spec);
    new DataView(fmt.buffer).setUint16(18, 20, true); // 20 valid bits, left-justified in 24
    const info = await inspectAudio(chunked(riff([["fmt ", fmt], ["data", pcmData(spec)]]), 64), { format: "wav" });
    expect(info.bitDepth).toBe(20);
  });
});

describe("WAV refused", () => {
  const spec = { kind: "s16" as const, sampleRate: 8000, channels: 2, frames: 800 };
  const fmtWith = (edit: (v: DataView) => void) => {
    const fmt = fmtChunk(spec);
    edit(new DataView(fmt.buffer));
    return riff([["fmt ", fmt], ["data", pcmData(spec)]]);
  };

  it.each([
    ["not RIFF", new TextEncoder().encode("ID3\x04\x00\x00\x00\x00\x00\x00 not a wav at all")],
    ["RIFF but not WAVE", riff([["data", new Uint8Array(4)]], { form: "RIFF" }).map((b, i) => (i === 8 ? 0x41 : b))],
    ["too short", new Uint8Array([0x52, 0x49, 0x46])],
    ["no fmt chunk", riff([["data", pcmData(spec)]])],
    ["no data chunk", riff([["fmt ", fmtChunk(spec)], ["LIST", new Uint8Array(10)]])],
    ["0 channels", fmtWith((v) => v.setUint16(2, 0, true))],
    ["0 Hz", fmtWith((v) => v.setUint32(4, 0, true))],
    ["block align mismatch", fmtWith((v) => v.setUint16(12, 3, true))],
    ["float with 16-bit samples", fmtWith((v) => v.setUint16(0, 3, true))],
    ["fmt chunk too short", riff([["fmt ", fmtChunk(spec).subarray(0, 14)], ["data", pcmData(spec)]])],
    ["a partial last frame", riff([["fmt ", fmtChunk(spec)], ["data", pcmData(spec).subarray(0, 3198)]])],
    ["an empty data chunk", riff([["fmt ", fmtChunk(spec)], ["data", new Uint8Array(0)]])],
    ["damaged chunk structure", riff([["fmt ", fmtChunk(spec)], ["\x00\x01\x02\x03", new Uint8Array(2)], ["data", pcmData(spec)]])],
    ["a chunk running past the end", riff([["fmt ", fmtChunk(spec)], ["LIST", new Uint8Array(4)]]).map((b, i, a) => (i === a.length - 6 ? 0x7f : b))],
  ])("%s → CORRUPT_FILE", async (_name, bytes) => {
    await expectCode(decodeAudio(bytes, "wav"), "CORRUPT_FILE");
    await expectCode(inspectAudio(chunked(bytes, 5), { format: "wav" }), "CORRUPT_FILE");
  });

  it.each([
    ["μ-law", fmtWith((v) => v.setUint16(0, 7, true))],
    ["ADPCM", fmtWith((v) => v.setUint16(0, 2, true))],
    ["RF64", riff([["fmt ", fmtChunk(spec)], ["data", pcmData(spec)]], { form: "RF64" })],
  ])("%s → UNSUPPORTED_TYPE", async (_name, bytes) => {
    await expectCode(decodeAudio(bytes, "wav"), "UNSUPPORTED_TYPE");
  });

  it("a truncated file → CORRUPT_FILE, at the end of the stream", async () => {
    const wav = makeWav(spec);
    const err = await expectCode(inspectAudio(chunked(wav.subarray(0, wav.length - 1000), 512), { format: "wav" }), "CORRUPT_FILE");
    expect(err.message).toMatch(/ends early/);
  });

  it("a header claiming 4 GB on a small file → CORRUPT_FILE, without buffering", async () => {
    const wav = riff([["fmt ", fmtChunk(spec)], ["data", pcmData(spec)]], { dataSize: 0xffffffff - 3 }); // a multiple of the 4-byte frame
    await expectCode(inspectAudio(chunked(wav, 1000), { format: "wav" }), "CORRUPT_FILE");
    // With the file size at hand the header alone gives it away, even when a length limit is set.
    await expectCode(inspectAudio(chunked(wav, 1000), { format: "wav", maxSeconds: 600, byteLength: wav.length }), "CORRUPT_FILE");
    await expectCode(decodeAudio(wav, "wav"), "CORRUPT_FILE");
    // Without the file size, a header is taken at its word: 4 GB of audio is too long before it is corrupt.
    await expectCode(inspectAudio(chunked(wav, 1000), { format: "wav", maxSeconds: 600 }), "TOO_LONG");
  });
});
