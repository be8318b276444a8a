import { open, type FileHandle } from "node:fs/promises";
import sharp, { type Metadata } from "sharp";
import { UploadError } from "./errors";
import { HEAD_BYTES, sniffFormat } from "./sniff";

export type ImageInfo = {
  format: "png" | "jpeg" | "webp";
  /** As displayed, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
  /** WebP, fits in 256×256, aspect ratio kept, never enlarged. */
  thumbnail: Buffer;
};

type ImageFormat = ImageInfo["format"];
const THUMBNAIL_SIZE = 256;
const BLOCK = 64 * 1024;

const corrupt = (detail: string, cause?: unknown): UploadError =>
  new UploadError("CORRUPT_FILE", `The image could not be read: ${detail}.`, undefined, { cause });

/** Reads small pieces at offsets through a 64 KiB window, so walking many tiny chunks stays cheap. */
class BlockReader {
  private block = Buffer.alloc(0);
  private blockStart = 0;

  constructor(private readonly file: FileHandle) {}

  async read(position: number, length: number): Promise<Buffer> {
    const inBlock = position >= this.blockStart && position + length <= this.blockStart + this.block.length;
    if (!inBlock) {
      const buffer = Buffer.alloc(Math.max(BLOCK, length));
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, position);
      this.block = buffer.subarray(0, bytesRead);
      this.blockStart = position;
    }
    const from = position - this.blockStart;
    return this.block.subarray(from, from + length);
  }
}

/**
 * Where the image's own data ends: after PNG's IEND chunk, past WebP's RIFF size. JPEG has no
 * length to follow without parsing its segments, so it only has to end with its EOI marker.
 */
async function imageEnd(reader: BlockReader, format: ImageFormat, size: number): Promise<number | undefined> {
  switch (format) {
    case "png": {
      // Walk the chunk list (length, type, data, CRC) from after the 8-byte signature.
      let offset = 8;
      while (offset + 12 <= size) {
        const header = await reader.read(offset, 8);
        const next = offset + 12 + header.readUInt32BE(0);
        if (header.toString("latin1", 4, 8) === "IEND") return next;
        offset = next;
      }
      return undefined;
    }
    case "jpeg": {
      const tail = await reader.read(size - 2, 2);
      return tail[0] === 0xff && tail[1] === 0xd9 ? size : undefined;
    }
    case "webp": {
      const riffSize = (await reader.read(4, 4)).readUInt32LE(0);
      return 8 + riffSize + (riffSize % 2);
    }
  }
}

/** The cheap checks, before any pixel is decoded. */
async function checkStructure(path: string, maxPixels: number): Promise<{ format: ImageFormat; meta: Metadata }> {
  const file = await open(path, "r");
  try {
    const reader = new BlockReader(file);
    const { size } = await file.stat();
    const format = sniffFormat(await reader.read(0, HEAD_BYTES));
    if (format !== "png" && format !== "jpeg" && format !== "webp") {
      throw new UploadError("TYPE_MISMATCH", "The file is not a PNG, JPEG or WebP image.", { detected: format ?? "unknown" });
    }

    let meta: Metadata;
    try {
      // Reads the header only; the pixel limit is applied just below, with a clearer error.
      meta = await sharp(path, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw corrupt("its header is damaged", error);
    }
    if (meta.format !== format) {
      throw new UploadError("TYPE_MISMATCH", `The file starts like ${format.toUpperCase()} but decodes as ${meta.format}.`, {
        expected: format,
        detected: meta.format,
      });
    }
    if (meta.width * meta.height > maxPixels) {
      throw new UploadError(
        "TOO_LARGE",
        `The image is ${meta.width}×${meta.height} pixels; at most ${Math.round(maxPixels / 1e6)} megapixels are accepted.`,
        { width: meta.width, height: meta.height, maxPixels },
      );
    }

    const end = await imageEnd(reader, format, size);
    if (end === undefined && format === "jpeg") throw corrupt("it does not end with JPEG's end marker (cut short, or bytes follow the image)");
    if (end === undefined || end > size) throw corrupt("it is cut short");
    if (end < size) throw corrupt(`${size - end} unexpected bytes follow the image data`);
    return { format, meta };
  } finally {
    await file.close();
  }
}

/**
 * Validates an image and makes its thumbnail, in an order that keeps hostile files cheap:
 * the magic bytes (so sharp never parses SVG, TIFF, PDF...), then the header only (a
 * 30000×30000 "decompression bomb" is refused before a pixel is decoded), then where the data
 * ends, then a full decode that fails on any decoder error.
 *
 * The end check refuses bytes after the image (after PNG's IEND, JPEG's EOI, past WebP's RIFF
 * size). Decoders ignore such bytes, so "valid image + <?php ... ?>" polyglots would pass a decode.
 */
export async function inspectImage(path: string, opts: { maxPixels: number }): Promise<ImageInfo> {
  const { format, meta } = await checkStructure(path, opts.maxPixels);
  let thumbnail: Buffer;
  try {
    thumbnail = await sharp(path, { limitInputPixels: opts.maxPixels, failOn: "error", autoOrient: true })
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw corrupt("its pixel data is damaged", error);
  }
  return { format, width: meta.autoOrient.width, height: meta.autoOrient.height, thumbnail };
}
