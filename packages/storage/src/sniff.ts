import { UploadError } from "./errors";
import type { FileFormat } from "./kinds";

/** How many leading bytes the sniffers look at (and intake keeps as `head`). */
export const HEAD_BYTES = 64;

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, i) => head[offset + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const RIFF = ascii("RIFF");

/**
 * An MPEG audio frame header: 11 sync bits, a version that is not "reserved", layer III,
 * a bitrate index that is neither "free" (0) nor "bad" (15), and a valid sample-rate index.
 * Checking the fields beyond the sync keeps random 0xFFEx bytes from passing as MP3.
 */
function isMpegLayer3Frame(head: Uint8Array): boolean {
  const [b0, b1, b2] = head;
  if (b0 !== 0xff || b1 === undefined || b2 === undefined) return false;
  if ((b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0b11;
  return version !== 0b01 && layer === 0b01 && bitrate !== 0 && bitrate !== 0b1111 && sampleRate !== 0b11;
}

// The magic numbers of each format (a table, not a parser).
const SIGNATURES: readonly { format: FileFormat; test: (head: Uint8Array) => boolean }[] = [
  { format: "wav", test: (h) => startsWith(h, RIFF) && startsWith(h, ascii("WAVE"), 8) },
  { format: "webp", test: (h) => startsWith(h, RIFF) && startsWith(h, ascii("WEBP"), 8) },
  { format: "flac", test: (h) => startsWith(h, ascii("fLaC")) },
  { format: "midi", test: (h) => startsWith(h, ascii("MThd")) },
  { format: "png", test: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { format: "jpeg", test: (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  { format: "mp3", test: (h) => startsWith(h, ascii("ID3")) || isMpegLayer3Frame(h) },
];

// Formats that are never accepted, named so that a mismatch says what the file really is.
const OTHER_SIGNATURES: readonly { name: string; bytes: number[] }[] = [
  { name: "zip", bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: "pdf", bytes: ascii("%PDF") },
  { name: "gif", bytes: ascii("GIF8") },
  { name: "ogg", bytes: ascii("OggS") },
  { name: "elf", bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: "exe", bytes: ascii("MZ") },
  { name: "php", bytes: ascii("<?php") },
];

/** The format the first bytes of a file announce, if it is one the studio accepts. */
export function sniffFormat(head: Uint8Array): FileFormat | undefined {
  return SIGNATURES.find((signature) => signature.test(head))?.format;
}

function describeContent(head: Uint8Array): string {
  return sniffFormat(head) ?? OTHER_SIGNATURES.find((other) => startsWith(head, other.bytes))?.name ?? "unknown";
}

/** Refuses a file whose content is not the format its extension promised (a PNG named .wav). */
export function assertFormatMatches(expected: FileFormat, head: Uint8Array): void {
  const detected = sniffFormat(head);
  if (detected === expected) return;
  const content = describeContent(head);
  const what = content === "unknown" ? "not recognised" : `${content.toUpperCase()} data`;
  throw new UploadError("TYPE_MISMATCH", `The file is named as ${expected.toUpperCase()}, but its content is ${what}.`, {
    expected,
    detected: content,
  });
}
