import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { constants, crc32, createDeflate } from "node:zlib";
import sharp, { type Sharp } from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectImage } from "./inspect-image";
import { makeTempDir, wavBytes } from "./test-support";

const MAX_PIXELS = 40_000_000;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir("image"));
});
afterAll(() => cleanup());

let counter = 0;
async function fileOf(bytes: Uint8Array): Promise<string> {
  const path = join(dir, `image-${counter++}`);
  await writeFile(path, bytes);
  return path;
}

function gradient(width: number, height: number): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdr(width: number, height: number, bitDepth: number, colourType: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.writeUInt8(bitDepth, 8);
  data.writeUInt8(colourType, 9);
  return pngChunk("IHDR", data);
}

/**
 * A decompression bomb: a real 30000×30000 1-bit greyscale PNG (900 megapixels, ~110 MB of
 * deflated rows) that is about 110 KB on disk. Rows are streamed through deflate, never held whole.
 */
async function bombPng(side = 30_000): Promise<Buffer> {
  const deflate = createDeflate({ level: constants.Z_BEST_COMPRESSION });
  const parts: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => parts.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on("end", resolve).on("error", reject));
  const row = Buffer.alloc(1 + Math.ceil(side / 8)); // filter byte 0, then black pixels
  const rows = Buffer.concat(Array.from({ length: 100 }, () => row));
  for (let y = 0; y < side; y += 100) {
    if (!deflate.write(rows)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat([PNG_SIGNATURE, ihdr(side, side, 1, 0), pngChunk("IDAT", Buffer.concat(parts)), pngChunk("IEND", Buffer.alloc(0))]);
}

const PHP = Buffer.from("<?php system($_GET['c']); ?>\n");

describe("inspectImage", () => {
  it.each(["png", "jpeg", "webp"] as const)("reads a %s and makes a webp thumbnail within 256×256", async (format) => {
    const path = await fileOf(await gradient(600, 400).toFormat(format).toBuffer());
    const info = await inspectImage(path, { maxPixels: MAX_PIXELS });
    expect(info).toMatchObject({ format, width: 600, height: 400 });
    const thumb = await sharp(info.thumbnail).metadata();
    expect(thumb).toMatchObject({ format: "webp", width: 256, height: 171 });
  });

  it("never enlarges a small image, and reports the displayed orientation", async () => {
    const small = await inspectImage(await fileOf(await gradient(100, 50).png().toBuffer()), { maxPixels: MAX_PIXELS });
    expect(await sharp(small.thumbnail).metadata()).toMatchObject({ width: 100, height: 50 });

    // EXIF orientation 6: stored 600×400, shown rotated 90°.
    const rotated = await gradient(600, 400).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const info = await inspectImage(await fileOf(rotated), { maxPixels: MAX_PIXELS });
    expect(info).toMatchObject({ width: 400, height: 600 });
    expect(await sharp(info.thumbnail).metadata()).toMatchObject({ width: 171, height: 256 });
  });

  it("refuses a decompression bomb with TOO_LARGE, from its header alone", async () => {
    const bomb = await bombPng();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const path = await fileOf(bomb);
    expect(await sharp(path, { limitInputPixels: false }).metadata()).toMatchObject({ width: 30_000, height: 30_000 });
    await expect(inspectImage(path, { maxPixels: MAX_PIXELS })).rejects.toMatchObject({
      code: "TOO_LARGE",
      details: { width: 30_000, height: 30_000, maxPixels: MAX_PIXELS },
    });
  });

  it("applies the caller's pixel limit", async () => {
    const path = await fileOf(await gradient(600, 400).png().toBuffer());
    await expect(inspectImage(path, { maxPixels: 200_000 })).rejects.toMatchObject({ code: "TOO_LARGE" });
    await expect(inspectImage(path, { maxPixels: 240_000 })).resolves.toMatchObject({ width: 600 });
  });

  it.each(["png", "jpeg", "webp"] as const)("refuses a truncated %s with CORRUPT_FILE", async (format) => {
    const whole = await gradient(300, 300).toFormat(format).toBuffer();
    const path = await fileOf(whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(inspectImage(path, { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code: "CORRUPT_FILE" });
  });

  it("refuses a PNG whose pixel data is damaged", async () => {
    const png = await gradient(200, 200).png({ compressionLevel: 0 }).toBuffer();
    const damaged = Buffer.from(png);
    const idat = damaged.indexOf("IDAT");
    damaged.fill(0xff, idat + 200, idat + 400); // chunk framing intact, CRC and zlib data wrong
    await expect(inspectImage(await fileOf(damaged), { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code: "CORRUPT_FILE" });
  });

  it("refuses a polyglot: PNG signature and IHDR, then script text", async () => {
    const polyglot = Buffer.concat([PNG_SIGNATURE, ihdr(64, 64, 8, 2), PHP]);
    const path = await fileOf(polyglot);
    // Sharp's strict decode alone already refuses this one...
    await expect(sharp(path, { failOn: "error" }).toBuffer()).rejects.toThrow();
    await expect(inspectImage(path, { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code: "CORRUPT_FILE" });
  });

  it.each(["png", "jpeg", "webp"] as const)("refuses a whole %s followed by script text", async (format) => {
    const image = await gradient(64, 64).toFormat(format).toBuffer();
    const path = await fileOf(Buffer.concat([image, PHP]));
    // ...but decoders ignore bytes after the image, which is why inspectImage checks where it ends.
    if (format !== "webp") await expect(sharp(path, { failOn: "warning" }).toBuffer()).resolves.toBeInstanceOf(Buffer);
    await expect(inspectImage(path, { maxPixels: MAX_PIXELS })).rejects.toMatchObject({
      code: "CORRUPT_FILE",
      message: expect.stringContaining(format === "jpeg" ? "bytes follow the image" : `${PHP.length} unexpected bytes`),
    });
  });

  it("refuses what is not a PNG, JPEG or WebP with TYPE_MISMATCH", async () => {
    const gif = await gradient(16, 16).gif().toBuffer();
    await expect(inspectImage(await fileOf(gif), { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code: "TYPE_MISMATCH" });
    await expect(inspectImage(await fileOf(wavBytes()), { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code: "TYPE_MISMATCH" });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(inspectImage(await fileOf(svg), { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ code: "TYPE_MISMATCH" });
  });
});
