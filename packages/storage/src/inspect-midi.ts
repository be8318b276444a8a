import * as tonejsMidi from "@tonejs/midi";
import { parseMidi, type MidiData } from "midi-file";
import { UploadError } from "./errors";

// The package's Node entry is a UMD bundle: Node's ESM loader exposes it only as `default`,
// while Vite and bundlers also see the named exports.
const { Midi } = (tonejsMidi as { default?: typeof tonejsMidi }).default ?? tonejsMidi;

export type MidiInfo = {
  /** SMF format: 0 (one track), 1 (parallel tracks) or 2 (independent patterns). */
  format: number;
  /**
   * The note tracks as @tonejs/midi presents them: one channel per track (format 0 is split),
   * and format 1's note-less first (tempo) track left out.
   */
  tracks: { index: number; name: string; notes: number; channel: number; instrument: string }[];
  noteCount: number;
  /** Ticks per quarter note. */
  ppq: number;
  tempos: { ticks: number; bpm: number; time: number }[];
  timeSignatures: { ticks: number; timeSignature: [number, number] }[];
  durationSec: number;
  /** Lyric meta events (FF 05) of every track, in time order. */
  lyrics: { ticks: number; time: number; text: string }[];
};

const corrupt = (detail: string, cause?: unknown): UploadError =>
  new UploadError("CORRUPT_FILE", `The MIDI file could not be read: ${detail}.`, undefined, { cause });

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** midi-file reads text as Latin-1; most tools now write UTF-8, so re-decode when the bytes are valid UTF-8. */
function metaText(latin1: string): string {
  const bytes = Uint8Array.from(latin1, (c) => c.charCodeAt(0) & 0xff);
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1;
  }
}

/**
 * @tonejs/midi keeps lyric events only from the first track (Header.meta), while format-1 files
 * usually carry them on the vocal track, so they are read here from midi-file's event lists.
 */
function lyricEvents(data: MidiData): { ticks: number; text: string }[] {
  const lyrics: { ticks: number; text: string; track: number }[] = [];
  data.tracks.forEach((events, track) => {
    let ticks = 0;
    for (const event of events) {
      ticks += event.deltaTime;
      if (event.type === "lyrics") lyrics.push({ ticks, text: metaText(event.text), track });
    }
  });
  // Array.prototype.sort is stable: same-tick lyrics keep their track order.
  return lyrics.sort((a, b) => a.ticks - b.ticks).map(({ ticks, text }) => ({ ticks, text }));
}

/**
 * midi-file reads a chunk that runs past the end of the data as a shorter one, so a cut-short
 * file would parse. Walking the chunk headers (id, 32-bit length) finds that.
 */
function checkChunksComplete(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    offset += 8 + view.getUint32(offset + 4);
    if (offset > bytes.length) throw corrupt("it is cut short");
  }
}

/** Parses a Standard MIDI File; refuses what does not parse, is cut short or has no tracks (CORRUPT_FILE). */
export function inspectMidi(bytes: Uint8Array): MidiInfo {
  let data: MidiData;
  let midi: InstanceType<typeof Midi>;
  try {
    data = parseMidi(bytes);
    midi = new Midi(bytes);
  } catch (error) {
    // midi-file throws strings ("Bad MIDI file. Expected 'MHdr'..."), not Errors.
    throw corrupt(error instanceof Error ? error.message : String(error), error);
  }
  checkChunksComplete(bytes);
  if (data.tracks.length === 0) throw corrupt("it has no tracks");
  if (data.tracks.length < data.header.numTracks) throw corrupt("it is cut short");
  if (data.header.ticksPerBeat === undefined) {
    throw new UploadError("UNSUPPORTED_TYPE", "MIDI files timed in SMPTE frames are not supported; save it with ticks per beat.");
  }

  const tracks = midi.tracks.map((track, index) => ({
    index,
    name: metaText(track.name),
    notes: track.notes.length,
    channel: track.channel,
    instrument: track.instrument.name,
  }));
  return {
    format: data.header.format,
    tracks,
    noteCount: tracks.reduce((sum, track) => sum + track.notes, 0),
    ppq: midi.header.ppq,
    tempos: midi.header.tempos.map(({ ticks, bpm }) => ({ ticks, bpm, time: midi.header.ticksToSeconds(ticks) })),
    timeSignatures: midi.header.timeSignatures.map(({ ticks, timeSignature }) => ({
      ticks,
      timeSignature: [timeSignature[0] ?? 4, timeSignature[1] ?? 4],
    })),
    // @tonejs/midi's duration is the max over note tracks: -Infinity when there are none.
    durationSec: Math.max(0, midi.duration),
    lyrics: lyricEvents(data).map(({ ticks, text }) => ({ ticks, time: midi.header.ticksToSeconds(ticks), text })),
  };
}
