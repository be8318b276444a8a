/**
 * A strict walk over a Standard MIDI File's chunks and events (Standard MIDI Files 1.0, MMA RP-001).
 * It checks the structure before @tonejs/midi sees the bytes (that parser reads past the end of a
 * truncated file without noticing) and collects what @tonejs/midi drops: the text and lyric meta
 * events of every track (it keeps those of the first track only) and the time division.
 */

export type SmfText = { ticks: number; type: "text" | "lyrics"; text: string };

export type SmfTrack = { name: string | null; texts: SmfText[]; noteOns: number };

export type SmfTiming = { kind: "ppq"; ppq: number } | { kind: "smpte"; ticksPerSecond: number };

export type SmfScan = {
  format: number;
  timing: SmfTiming;
  tracks: SmfTrack[];
  noteOns: number;
  /** The file with only its header and track chunks, for parsers that reject other chunks. */
  standard: Uint8Array;
};

export class SmfFormatError extends Error {
  override readonly name = "SmfFormatError";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/** MIDI text is bytes: modern files write UTF-8, older ones Latin-1. */
function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

function chunkId(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function uint32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
}

export function scanSmf(bytes: Uint8Array): SmfScan {
  if (bytes.length < 14 || chunkId(bytes, 0) !== "MThd") throw new SmfFormatError("it does not start with a MIDI header (MThd)");
  const headerLength = uint32(bytes, 4);
  if (headerLength < 6 || 8 + headerLength > bytes.length) throw new SmfFormatError("its header chunk is cut short");
  const format = ((bytes[8] ?? 0) << 8) | (bytes[9] ?? 0);
  const trackCount = ((bytes[10] ?? 0) << 8) | (bytes[11] ?? 0);
  const division = ((bytes[12] ?? 0) << 8) | (bytes[13] ?? 0);
  if (format > 2) throw new SmfFormatError(`its format ${format} is not 0, 1 or 2`);

  let timing: SmfTiming;
  if (division & 0x8000) {
    // SMPTE division: the high byte is minus the frame rate (29 means 29.97 drop-frame).
    const frames = 0x100 - (division >> 8);
    const ticksPerFrame = division & 0xff;
    if (![24, 25, 29, 30].includes(frames) || ticksPerFrame === 0) throw new SmfFormatError("its SMPTE time division is invalid");
    timing = { kind: "smpte", ticksPerSecond: (frames === 29 ? 29.97 : frames) * ticksPerFrame };
  } else {
    if (division === 0) throw new SmfFormatError("its time division is 0 ticks per beat");
    timing = { kind: "ppq", ppq: division };
  }

  const tracks: SmfTrack[] = [];
  const trackChunks: Uint8Array[] = [];
  let noteOns = 0;
  let at = 8 + headerLength;
  // Some writers miscount their tracks; a file that ends cleanly at a chunk boundary is accepted.
  while (tracks.length < trackCount && at < bytes.length) {
    if (at + 8 > bytes.length) throw new SmfFormatError(`it ends inside a chunk header after ${tracks.length} tracks`);
    const id = chunkId(bytes, at);
    const length = uint32(bytes, at + 4);
    const end = at + 8 + length;
    if (end > bytes.length) throw new SmfFormatError(`track ${tracks.length + 1} is cut short`);
    if (!/^[\x20-\x7e]{4}$/.test(id)) throw new SmfFormatError(`it has an unreadable chunk at byte ${at}`);
    // The standard says to skip chunk types one doesn't know (Yamaha XF files carry some).
    if (id === "MTrk") {
      const track = scanTrack(bytes, at + 8, end, tracks.length + 1);
      noteOns += track.noteOns;
      tracks.push(track);
      trackChunks.push(bytes.subarray(at, end));
    }
    at = end;
  }
  if (tracks.length === 0) throw new SmfFormatError("it holds no tracks");
  return { format, timing, tracks, noteOns, standard: standardFile(bytes, trackChunks) };
}

function standardFile(bytes: Uint8Array, trackChunks: Uint8Array[]): Uint8Array {
  const size = 14 + trackChunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, 14));
  out.set([0, 0, 0, 6], 4); // a longer header is allowed, but not every parser skips its extra bytes
  out[10] = trackChunks.length >> 8;
  out[11] = trackChunks.length & 0xff;
  let at = 14;
  for (const chunk of trackChunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function scanTrack(bytes: Uint8Array, begin: number, end: number, number: number): SmfTrack {
  let at = begin;
  let ticks = 0;
  let status = 0;
  let name: string | null = null;
  let noteOns = 0;
  const texts: SmfText[] = [];
  const fail = (what: string) => new SmfFormatError(`track ${number} ${what} (byte ${at})`);

  const readVarInt = (): number => {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      if (at >= end) throw fail("ends inside a variable-length number");
      const byte = bytes[at++] ?? 0;
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    throw fail("has a variable-length number longer than 4 bytes");
  };

  while (at < end) {
    ticks += readVarInt();
    if (at >= end) throw fail("ends after a delta time");
    let byte = bytes[at] ?? 0;
    if (byte & 0x80) {
      at++;
    } else {
      // Running status: the byte is the first data byte of a repeat of the last channel message.
      if (status === 0) throw fail("has a data byte before any status byte");
      byte = status;
    }

    if (byte === 0xff) {
      if (at >= end) throw fail("ends inside a meta event");
      const type = bytes[at++] ?? 0;
      const length = readVarInt();
      if (at + length > end) throw fail("has a meta event longer than the track");
      const data = bytes.subarray(at, at + length);
      at += length;
      if (type === 0x01 || type === 0x05) texts.push({ ticks, type: type === 0x05 ? "lyrics" : "text", text: decodeText(data) });
      else if (type === 0x03 && name === null) name = decodeText(data);
      else if (type === 0x2f) break; // end of track: anything after it is padding
      continue;
    }
    if (byte === 0xf0 || byte === 0xf7) {
      const length = readVarInt();
      if (at + length > end) throw fail("has a system-exclusive event longer than the track");
      at += length;
      status = 0; // sysex cancels running status
      continue;
    }
    if (byte >= 0xf0) throw fail(`has a system message 0x${byte.toString(16)} that a file may not hold`);

    status = byte;
    const dataBytes = byte >= 0xc0 && byte < 0xe0 ? 1 : 2;
    if (at + dataBytes > end) throw fail("ends inside a channel message");
    for (let i = 0; i < dataBytes; i++) {
      if ((bytes[at + i] ?? 0) & 0x80) throw fail("has a channel message cut short by a status byte");
    }
    if ((byte & 0xf0) === 0x90 && (bytes[at + 1] ?? 0) > 0) noteOns++;
    at += dataBytes;
  }
  return { name, texts, noteOns };
}
