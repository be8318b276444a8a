import tonejsMidi from "@tonejs/midi";
import type { Midi as MidiFile, Track } from "@tonejs/midi";
import { SynthError } from "../errors";
import type { Melody, Note } from "../types";
import { monophonic, type TimedNote } from "./monophonic";
import { scanSmf, SmfFormatError, type SmfScan, type SmfText, type SmfTiming } from "./smf";

// @tonejs/midi ships CommonJS only: Node's ESM loader exposes it as a default export alone, while
// bundlers and Vitest add named ones too. The default import works in all of them.
const { Midi } = tonejsMidi;

export type MelodyFromMidiOptions = {
  /** The track to sing: its index in `listMidiTracks` or its name. Default: the non-drum track with the most notes. */
  track?: number | string;
};

export type MidiTrackInfo = {
  index: number;
  name: string;
  notes: number;
  /** 0-based; 9 is the General MIDI drum channel ("channel 10"). */
  channel: number;
  drums: boolean;
  instrument: string;
};

export const MIDI_LIMITS = {
  maxNotes: 5000,
  maxSeconds: 20 * 60,
  /** Note-ons in the whole file; beyond this the parse itself gets too slow to be worth it. */
  maxFileNotes: 100_000,
  /** How far after a lyric event its note may start. */
  lyricWindowSeconds: 0.05,
} as const;

const DRUM_CHANNEL = 9;

type Parsed = { scan: SmfScan; midi: MidiFile; toSeconds: (ticks: number) => number; bpm: number };

function invalid(message: string, details?: Record<string, unknown>): SynthError {
  return new SynthError("INVALID_MELODY", message, details);
}

function parse(bytes: Uint8Array): Parsed {
  if (!(bytes instanceof Uint8Array)) throw new SynthError("INVALID_INPUT", "The MIDI file must be given as bytes (a Uint8Array).");
  let scan: SmfScan;
  try {
    scan = scanSmf(bytes);
  } catch (error) {
    if (error instanceof SmfFormatError) throw invalid(`This is not a readable MIDI file: ${error.message}.`);
    throw error;
  }
  if (scan.noteOns > MIDI_LIMITS.maxFileNotes) {
    throw invalid(`The MIDI file has ${scan.noteOns} notes; at most ${MIDI_LIMITS.maxFileNotes} can be read.`, {
      notes: scan.noteOns,
      limit: MIDI_LIMITS.maxFileNotes,
    });
  }
  let midi: MidiFile;
  try {
    midi = new Midi(scan.standard);
  } catch (error) {
    // midi-file (under @tonejs/midi) throws plain strings.
    throw invalid(`This is not a readable MIDI file: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const tempos = midi.header.tempos.map(({ ticks, bpm }) => ({ ticks, bpm }));
  return { scan, midi, toSeconds: tickConverter(scan.timing, tempos), bpm: tempos[0]?.bpm ?? 120 };
}

/**
 * Ticks to seconds through the tempo map. @tonejs/midi has its own `ticksToSeconds`, but before
 * the first tempo event it mixes the first tempo and 120 bpm; the standard says 120 bpm holds
 * until the first tempo event, so this walks the map itself. SMPTE files ignore tempo.
 */
export function tickConverter(timing: SmfTiming, tempos: Array<{ ticks: number; bpm: number }>): (ticks: number) => number {
  if (timing.kind === "smpte") return (ticks) => ticks / timing.ticksPerSecond;
  const { ppq } = timing;
  const segments: Array<{ ticks: number; seconds: number; secondsPerTick: number }> = [
    { ticks: 0, seconds: 0, secondsPerTick: 60 / 120 / ppq },
  ];
  for (const tempo of [...tempos].sort((a, b) => a.ticks - b.ticks)) {
    if (!(tempo.bpm > 0) || !Number.isFinite(tempo.bpm)) continue;
    const last = segments[segments.length - 1];
    if (!last) break;
    const seconds = last.seconds + (tempo.ticks - last.ticks) * last.secondsPerTick;
    const segment = { ticks: tempo.ticks, seconds, secondsPerTick: 60 / tempo.bpm / ppq };
    // A later tempo event at the same tick replaces the earlier one.
    if (tempo.ticks === last.ticks) segments[segments.length - 1] = segment;
    else segments.push(segment);
  }
  return (ticks) => {
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((segments[middle]?.ticks ?? 0) <= ticks) low = middle;
      else high = middle - 1;
    }
    const segment = segments[low] ?? { ticks: 0, seconds: 0, secondsPerTick: 60 / 120 / ppq };
    return segment.seconds + (ticks - segment.ticks) * segment.secondsPerTick;
  };
}

function describeTracks(midi: MidiFile): MidiTrackInfo[] {
  return midi.tracks.map((track, index) => ({
    index,
    name: track.name.trim(),
    notes: track.notes.length,
    channel: track.channel,
    drums: track.channel === DRUM_CHANNEL,
    instrument: track.instrument.name,
  }));
}

/** The tracks of a MIDI file as `melodyFromMidi`'s `track` option counts and names them. */
export function listMidiTracks(bytes: Uint8Array): MidiTrackInfo[] {
  return describeTracks(parse(bytes).midi);
}

function trackList(tracks: MidiTrackInfo[]): string {
  if (tracks.length === 0) return "The file has no tracks.";
  const items = tracks.map(
    (track) => `${track.index} ${JSON.stringify(track.name)} (${track.notes} notes${track.drums ? ", drums" : ""})`,
  );
  return `The tracks are: ${items.join(", ")}.`;
}

function chooseTrack(midi: MidiFile, choice: number | string | undefined): Track {
  const tracks = describeTracks(midi);
  const byMostNotes = (candidates: MidiTrackInfo[]) =>
    candidates.reduce<MidiTrackInfo | undefined>((best, track) => (!best || track.notes > best.notes ? track : best), undefined);

  const total = tracks.reduce((sum, track) => sum + track.notes, 0);
  if (total === 0) throw invalid("The MIDI file has no notes.");
  let chosen: MidiTrackInfo | undefined;
  if (choice === undefined) {
    chosen = byMostNotes(tracks.filter((track) => !track.drums && track.notes > 0));
    if (!chosen) {
      throw invalid(`The MIDI file has notes only on the drum channel (10); choose a track to sing by number or name. ${trackList(tracks)}`, {
        tracks,
      });
    }
  } else if (typeof choice === "number") {
    chosen = Number.isInteger(choice) ? tracks[choice] : undefined;
    if (!chosen) throw new SynthError("INVALID_INPUT", `There is no track ${choice}. ${trackList(tracks)}`, { track: choice, tracks });
  } else {
    const wanted = choice.trim();
    const exact = tracks.filter((track) => track.name === wanted);
    const loose = exact.length > 0 ? exact : tracks.filter((track) => track.name.toLowerCase() === wanted.toLowerCase());
    chosen = byMostNotes(loose);
    if (!chosen) throw new SynthError("INVALID_INPUT", `There is no track named ${JSON.stringify(choice)}. ${trackList(tracks)}`, { track: choice, tracks });
  }
  if (chosen.notes === 0) {
    throw invalid(`Track ${chosen.index} ${JSON.stringify(chosen.name)} has no notes. ${trackList(tracks)}`, { tracks });
  }
  const track = midi.tracks[chosen.index];
  if (!track) throw invalid(`Track ${chosen.index} could not be read.`);
  return track;
}

/**
 * The melody of one track of a Standard MIDI File: notes in seconds through the tempo map, made
 * monophonic (the highest note wins), with the file's lyric events attached to their notes.
 */
export function melodyFromMidi(bytes: Uint8Array, opts: MelodyFromMidiOptions = {}): Melody {
  const { scan, midi, toSeconds, bpm } = parse(bytes);
  const track = chooseTrack(midi, opts.track);

  const timed: TimedNote[] = [];
  for (const note of track.notes) {
    if (note.durationTicks <= 0) continue;
    timed.push({ midi: note.midi, start: toSeconds(note.ticks), end: toSeconds(note.ticks + note.durationTicks) });
  }
  const notes: Note[] = monophonic(timed).map((note) => ({ midi: note.midi, start: note.start, duration: note.end - note.start }));
  if (notes.length === 0) throw invalid("The MIDI file has no notes.");
  if (notes.length > MIDI_LIMITS.maxNotes) {
    throw invalid(`The melody has ${notes.length} notes; the limit is ${MIDI_LIMITS.maxNotes}.`, {
      notes: notes.length,
      limit: MIDI_LIMITS.maxNotes,
    });
  }
  const last = notes[notes.length - 1];
  const end = last ? last.start + last.duration : 0;
  if (end > MIDI_LIMITS.maxSeconds) {
    throw invalid(`The melody is ${(end / 60).toFixed(1)} minutes long; the limit is ${MIDI_LIMITS.maxSeconds / 60} minutes.`, {
      seconds: end,
      limit: MIDI_LIMITS.maxSeconds,
    });
  }
  attachLyrics(notes, scan, toSeconds);
  return { notes, bpm };
}

/** Index of the first note starting at or after `time` (a microsecond early still counts as "at"). */
function noteAtOrAfter(notes: Note[], time: number): number {
  let low = 0;
  let high = notes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((notes[middle]?.start ?? 0) < time - 1e-6) low = middle + 1;
    else high = middle;
  }
  const note = notes[low];
  return note && note.start - time <= MIDI_LIMITS.lyricWindowSeconds + 1e-9 ? low : -1;
}

type LyricSource = { type: SmfText["type"]; events: Array<{ seconds: number; text: string }> };

/**
 * Lyric meta events are taken wherever they are; plain text events only from karaoke files
 * (Tune 1000's .kar convention: an "@K…" marker or a "Words" track), or from a track whose text
 * events fall on this melody's note onsets, since other files use text for titles and notes.
 * When several tracks carry lyrics (a duet), the one that best matches these notes wins.
 */
function attachLyrics(notes: Note[], scan: SmfScan, toSeconds: (ticks: number) => number): void {
  const karaoke = scan.tracks.some((track) => track.texts.some((text) => text.type === "text" && text.text.startsWith("@K")));
  let best: { source: LyricSource; score: number } | null = null;
  for (const track of scan.tracks) {
    for (const type of ["lyrics", "text"] as const) {
      const events = track.texts
        .filter((text) => text.type === type && !(type === "text" && text.text.startsWith("@")))
        .map((text) => ({ seconds: toSeconds(text.ticks), text: text.text }));
      if (events.length === 0) continue;
      const score = events.filter((event) => noteAtOrAfter(notes, event.seconds) >= 0).length;
      const trusted =
        type === "lyrics" || karaoke || /^words$/i.test(track.name?.trim() ?? "") || (score >= 4 && score >= 0.75 * events.length);
      if (!trusted || score === 0) continue;
      // Ties go to the lyric events, which come first.
      if (!best || score > best.score) best = { source: { type, events }, score };
    }
  }
  if (!best) return;

  const pieces = new Map<number, string[]>();
  for (const event of best.source.events) {
    const index = noteAtOrAfter(notes, event.seconds);
    if (index < 0) continue;
    // Karaoke text starts a line with "/" and a paragraph with "\".
    const text = event.text.replace(/^[/\\]+/, "");
    const list = pieces.get(index);
    if (list) list.push(text);
    else pieces.set(index, [text]);
  }
  for (const [index, list] of pieces) {
    const lyric = list.join("").replace(/\s+/g, " ").trim();
    const note = notes[index];
    if (note && lyric !== "") note.lyric = lyric;
  }
}
