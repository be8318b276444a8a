import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { UploadError } from "./errors";
import { assertFormatMatches, sniffFormat } from "./sniff";
import { wavBytes, zipBytes } from "./test-support";

const image = (format: "png" | "jpeg" | "webp"): Promise<Buffer> =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } })
    .toFormat(format)
    .toBuffer();

// An MPEG-1 Layer III frame header: 128 kbit/s, 44.1 kHz.
const mp3Frame = Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]);
const id3 = Buffer.concat([Buffer.from("ID3"), Buffer.from([4, 0, 0, 0, 0, 0, 0])]);
const flac = Buffer.concat([Buffer.from("fLaC"), Buffer.from([0, 0, 0, 34])]);
const midi = Buffer.concat([Buffer.from("MThd"), Buffer.from([0, 0, 0, 6, 0, 0, 0, 1, 1, 224])]);

describe("sniffFormat", () => {
  it("recognises each accepted format", async () => {
    expect(sniffFormat(wavBytes())).toBe("wav");
    expect(sniffFormat(mp3Frame)).toBe("mp3");
    expect(sniffFormat(id3)).toBe("mp3");
    expect(sniffFormat(flac)).toBe("flac");
    expect(sniffFormat(midi)).toBe("midi");
    expect(sniffFormat(await image("png"))).toBe("png");
    expect(sniffFormat(await image("jpeg"))).toBe("jpeg");
    expect(sniffFormat(await image("webp"))).toBe("webp");
  });

  it("recognises nothing in other or too-short data", () => {
    expect(sniffFormat(zipBytes())).toBeUndefined();
    expect(sniffFormat(new Uint8Array())).toBeUndefined();
    expect(sniffFormat(Buffer.from("RIFF"))).toBeUndefined();
    expect(sniffFormat(Buffer.from("<?php echo 1; ?>"))).toBeUndefined();
    // Frame sync, but layer I / a "bad" bitrate / a reserved sample rate: not MP3.
    expect(sniffFormat(Buffer.from([0xff, 0xff, 0x90, 0x64]))).toBeUndefined();
    expect(sniffFormat(Buffer.from([0xff, 0xfb, 0xf0, 0x64]))).toBeUndefined();
    expect(sniffFormat(Buffer.from([0xff, 0xfb, 0x9c, 0x64]))).toBeUndefined();
  });
});

describe("assertFormatMatches", () => {
  it("accepts agreeing content", async () => {
    expect(() => assertFormatMatches("wav", wavBytes())).not.toThrow();
    const jpeg = await image("jpeg");
    expect(() => assertFormatMatches("jpeg", jpeg)).not.toThrow();
  });

  it("refuses a PNG named .wav", async () => {
    const png = await image("png");
    expect(() => assertFormatMatches("wav", png)).toThrow(UploadError);
    expect(() => assertFormatMatches("wav", png)).toThrow(expect.objectContaining({ code: "TYPE_MISMATCH", details: { expected: "wav", detected: "png" } }));
    expect(() => assertFormatMatches("wav", png)).toThrow(/named as WAV, but its content is PNG data/);
  });

  it("refuses a ZIP named .mid", () => {
    expect(() => assertFormatMatches("midi", zipBytes())).toThrow(
      expect.objectContaining({ code: "TYPE_MISMATCH", details: { expected: "midi", detected: "zip" } }),
    );
  });

  it("refuses a WebP named .wav (both are RIFF)", async () => {
    const webp = await image("webp");
    expect(() => assertFormatMatches("wav", webp)).toThrow(expect.objectContaining({ code: "TYPE_MISMATCH" }));
  });
});
