import tonejsMidi from "@tonejs/midi";
import { describe, expect, it } from "vitest";
import { expectSynthError } from "../test-support";
import { listMidiTracks, melodyFromMidi } from "./midi";

const { Midi } = tonejsMidi;
const PPQ = 480; // @tonejs/midi writes 480 ticks per quarter

type NoteSpec = { midi: number; beat: number; beats: number };

function midiFile(tracks: Array<{ name: string; channel?: number; notes: NoteSpec[] }>, bpm = 120): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(bpm);
  for (const spec of tracks) {
    const track = midi.addTrack();
    track.name = spec.name;
    if (spec.channel !== undefined) track.channel = spec.channel;
    for (const note of spec.notes) track.addNote({ midi: note.midi, ticks: note.beat * PPQ, durationTicks: note.beats * PPQ });
  }
  return midi.toArray();
}

const scale = (count: number, from = 60): NoteSpec[] =>
  Array.from({ length: count }, (_, i) => ({ midi: from + (i % 12), beat: i, beats: 1 }));

/** Raw Standard MIDI File bytes, for events @tonejs/midi cannot write (text in any track but the first). */
const vlq = (value: number): number[] => {
  const bytes = [value & 0x7f];
  for (let rest = value >> 7; rest > 0; rest >>= 7) bytes.unshift((rest & 0x7f) | 0x80);
  return bytes;
};
const text = (value: string) => [...new TextEncoder().encode(value)];
const meta = (delta: number, type: number, data: number[]) => [...vlq(delta), 0xff, type, ...vlq(data.length), ...data];
const chunk = (id: string, body: number[]) => [...text(id), (body.length >>> 24) & 0xff, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
const rawFile = (tracks: number[][]) =>
  new Uint8Array([...chunk("MThd", [0, 1, 0, tracks.length, PPQ >> 8, PPQ & 0xff]), ...tracks.flatMap((body) => chunk("MTrk", body))]);
const endOfTrack = meta(0, 0x2f, []);


describe("melodyFromMidi: tracks", () => {
  const bytes = midiFile([
    { name: "Piano", notes: scale(10) },
    { name: "Voice", notes: scale(20, 62) },
    { name: "Drums", channel: 9, notes: scale(40, 36) },
  ]);

  it("sings the track with the most notes, leaving the drum channel out", () => {
    const melody = melodyFromMidi(bytes);
    expect(melody.notes).toHaveLength(20);
    expect(melody.notes[0]?.midi).toBe(62);
    expect(melody.bpm).toBe(120);
  });

  it("takes the track asked for by index or by name", () => {
    const tracks = listMidiTracks(bytes);
    expect(tracks.map((track) => [track.name, track.notes, track.drums])).toEqual([
      ["Piano", 10, false],
      ["Voice", 20, false],
      ["Drums", 40, true],
    ]);
    expect(melodyFromMidi(bytes, { track: 0 }).notes).toHaveLength(10);
    expect(melodyFromMidi(bytes, { track: "piano" }).notes[0]?.midi).toBe(60);
  });

  it("names the tracks there are when the one asked for doesn't exist", () => {
    expectSynthError(() => melodyFromMidi(bytes, { track: 7 }), "INVALID_INPUT", /no track 7.*"Piano".*"Voice".*"Drums"/);
    expectSynthError(() => melodyFromMidi(bytes, { track: "Lead" }), "INVALID_INPUT", /no track named "Lead".*0 "Piano" \(10 notes\)/);
  });

  it("refuses a file whose only notes are drums unless the drum track is asked for", () => {
    const drums = midiFile([{ name: "Kit", channel: 9, notes: scale(8, 36) }]);
    expectSynthError(() => melodyFromMidi(drums), "INVALID_MELODY", /only on the drum channel/);
    expect(melodyFromMidi(drums, { track: "Kit" }).notes).toHaveLength(8);
  });
});

describe("melodyFromMidi: timing", () => {
  it("places notes after a tempo change at the right second", () => {
    const midi = new Midi();
    // 120 bpm for two beats (1 s), then 60 bpm.
    midi.header.tempos.push({ ticks: 0, bpm: 120 }, { ticks: 2 * PPQ, bpm: 60 });
    midi.header.update();
    const track = midi.addTrack();
    track.addNote({ midi: 60, ticks: 0, durationTicks: PPQ });
    track.addNote({ midi: 62, ticks: 4 * PPQ, durationTicks: PPQ });
    const melody = melodyFromMidi(midi.toArray());
    expect(melody.bpm).toBe(120);
    expect(melody.notes[0]).toMatchObject({ start: 0, duration: 0.5 });
    expect(melody.notes[1]?.start).toBeCloseTo(3, 9); // 1 s + two beats at 60
    expect(melody.notes[1]?.duration).toBeCloseTo(1, 9);
  });

  it("plays 120 bpm until the first tempo event, as the standard says", () => {
    const midi = new Midi();
    midi.header.tempos.push({ ticks: 2 * PPQ, bpm: 60 });
    midi.header.update();
    midi.addTrack().addNote({ midi: 60, ticks: 4 * PPQ, durationTicks: PPQ });
    const melody = melodyFromMidi(midi.toArray());
    expect(melody.notes[0]?.start).toBeCloseTo(3, 9);
    expect(melody.bpm).toBe(60);
  });

  it("defaults to 120 bpm in a file without tempo events", () => {
    const body = [...vlq(0), 0x90, 60, 100, ...vlq(PPQ), 0x80, 60, 0, ...endOfTrack];
    const melody = melodyFromMidi(rawFile([body]));
    expect(melody.bpm).toBe(120);
    expect(melody.notes).toEqual([{ midi: 60, start: 0, duration: 0.5 }]);
  });
});

describe("melodyFromMidi: overlapping notes", () => {
  const sing = (notes: NoteSpec[]) => melodyFromMidi(midiFile([{ name: "Voice", notes }])).notes.map((n) => [n.midi, n.start, n.duration]);

  it("keeps the top note of a chord", () => {
    expect(sing([60, 64, 67].map((midi) => ({ midi, beat: 0, beats: 2 })))).toEqual([[67, 0, 1]]);
  });

  it("sings a strummed chord as one note, not as a few milliseconds of each string", () => {
    const strum = [60, 64, 67].map((midi, i) => ({ midi, beat: (i * 10) / PPQ, beats: 2 - (i * 10) / PPQ })); // 10 ticks ≈ 10 ms apart
    const notes = sing(strum);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.[0]).toBe(67);
    expect(notes[0]?.[1]).toBeCloseTo(20 / PPQ / 2, 9);
  });

  it("cuts a note where a higher one starts", () => {
    expect(sing([{ midi: 60, beat: 0, beats: 2 }, { midi: 65, beat: 1, beats: 2 }])).toEqual([
      [60, 0, 0.5],
      [65, 0.5, 1],
    ]);
  });

  it("starts a lower note once the higher one it overlaps has ended", () => {
    expect(sing([{ midi: 67, beat: 0, beats: 1.5 }, { midi: 64, beat: 1, beats: 1 }])).toEqual([
      [67, 0, 0.75],
      [64, 0.75, 0.25],
    ]);
  });

  it("lets a held low note sound again after a higher note inside it", () => {
    expect(sing([{ midi: 60, beat: 0, beats: 4 }, { midi: 72, beat: 1, beats: 1 }])).toEqual([
      [60, 0, 0.5],
      [72, 0.5, 0.5],
      [60, 1, 1],
    ]);
  });
});

describe("melodyFromMidi: lyrics", () => {
  it("attaches lyric events to the notes they fall on, and up to 50 ms before", () => {
    const midi = new Midi();
    midi.header.setTempo(120);
    // Lyrics sit in the first track, where @tonejs/midi writes header meta events.
    midi.header.meta.push(
      { type: "lyrics", text: "Hel", ticks: 0 },
      { type: "lyrics", text: "lo ", ticks: PPQ },
      { type: "lyrics", text: "-", ticks: 2 * PPQ - 29 }, // 30 ms early
      { type: "lyrics", text: "lost", ticks: 3 * PPQ - 96 }, // 100 ms early: nothing starts within 50 ms
    );
    const track = midi.addTrack();
    for (let beat = 0; beat < 4; beat++) track.addNote({ midi: 60 + beat, ticks: beat * PPQ, durationTicks: PPQ });
    const lyrics = melodyFromMidi(midi.toArray()).notes.map((note) => note.lyric);
    expect(lyrics).toEqual(["Hel", "lo", "-", undefined]);
  });

  it("reads karaoke text events from a Words track", () => {
    const tempo = meta(0, 0x51, [0x07, 0xa1, 0x20]); // 500000 µs per beat = 120 bpm
    const conductor = [...tempo, ...endOfTrack];
    const notes: number[] = [];
    for (let i = 0; i < 3; i++) notes.push(...vlq(0), 0x90, 60 + i, 100, ...vlq(PPQ), 0x80, 60 + i, 0);
    const melodyTrack = [...meta(0, 0x03, text("Melody")), ...notes, ...endOfTrack];
    const words = [
      ...meta(0, 0x03, text("Words")),
      ...meta(0, 0x01, text("@KMIDI KARAOKE FILE")),
      ...meta(0, 0x01, text("\\Hel")),
      ...meta(PPQ, 0x01, text("lo ")),
      ...meta(PPQ, 0x01, text("/world")),
      ...endOfTrack,
    ];
    const melody = melodyFromMidi(rawFile([conductor, melodyTrack, words]));
    expect(melody.notes.map((note) => note.lyric)).toEqual(["Hel", "lo", "world"]);
  });

  it("ignores plain text events in a file that isn't karaoke", () => {
    const body = [...meta(0, 0x01, text("Copyright 1999")), ...vlq(0), 0x90, 60, 100, ...vlq(PPQ), 0x80, 60, 0, ...endOfTrack];
    expect(melodyFromMidi(rawFile([body])).notes[0]?.lyric).toBeUndefined();
  });
});

describe("melodyFromMidi: bad files", () => {
  it("says a file without notes has no notes", () => {
    expectSynthError(() => melodyFromMidi(midiFile([{ name: "Empty", notes: [] }])), "INVALID_MELODY", /^The MIDI file has no notes\.$/);
  });

  it("rejects bytes that aren't MIDI", () => {
    const garbage = new Uint8Array(256).map((_, i) => (i * 97 + 13) & 0xff);
    expectSynthError(() => melodyFromMidi(garbage), "INVALID_MELODY", /not a readable MIDI file/);
    expectSynthError(() => melodyFromMidi(new TextEncoder().encode("hello")), "INVALID_MELODY", /not a readable MIDI file/);
  });

  it("rejects a file cut short in the middle of a track", () => {
    const whole = midiFile([{ name: "Voice", notes: scale(8) }]);
    expectSynthError(() => melodyFromMidi(whole.subarray(0, whole.length - 20)), "INVALID_MELODY", /not a readable MIDI file: track 2 is cut short/);
  });

  it("rejects a melody of more than 5000 notes", () => {
    const notes = Array.from({ length: 5001 }, (_, i) => ({ midi: 60, beat: i / 4, beats: 0.25 }));
    expectSynthError(() => melodyFromMidi(midiFile([{ name: "Voice", notes }])), "INVALID_MELODY", /5001 notes; the limit is 5000/);
  });

  it("rejects a melody longer than 20 minutes", () => {
    const notes = [{ midi: 60, beat: 0, beats: 1 }, { midi: 62, beat: 21 * 120, beats: 1 }]; // minute 21 at 120 bpm
    expectSynthError(() => melodyFromMidi(midiFile([{ name: "Voice", notes }])), "INVALID_MELODY", /21\.0 minutes long; the limit is 20 minutes/);
  });
});
