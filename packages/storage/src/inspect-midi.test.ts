import * as tonejsMidi from "@tonejs/midi";
import { writeMidi, type MidiEvent } from "midi-file";
import { describe, expect, it } from "vitest";
import { inspectMidi } from "./inspect-midi";
import { zipBytes } from "./test-support";

const { Midi } = (tonejsMidi as { default?: typeof tonejsMidi }).default ?? tonejsMidi;

/** Two note tracks at 100 BPM in 3/4, written with @tonejs/midi. */
function twoTrackSong(): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(100);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [3, 4] });
  midi.header.update();
  const lead = midi.addTrack();
  lead.name = "Lead";
  lead.channel = 0;
  lead.instrument.number = 0;
  for (let i = 0; i < 4; i++) lead.addNote({ midi: 60 + i, time: i * 0.6, duration: 0.6 });
  const bass = midi.addTrack();
  bass.name = "Bass";
  bass.channel = 1;
  bass.instrument.number = 33;
  bass.addNote({ midi: 36, time: 0, duration: 2.4 });
  return midi.toArray();
}

/** A format-1 file whose lyric events (FF 05) sit on the vocal track, as karaoke and vocal MIDI do. */
function songWithLyrics(): Uint8Array {
  const utf8 = (text: string): string => Buffer.from(text, "utf8").toString("latin1");
  const conductor: MidiEvent[] = [
    { deltaTime: 0, meta: true, type: "setTempo", microsecondsPerBeat: 500_000 },
    { deltaTime: 0, meta: true, type: "timeSignature", numerator: 4, denominator: 4, metronome: 24, thirtyseconds: 8 },
    { deltaTime: 0, meta: true, type: "endOfTrack" },
  ];
  const syllables = ["Hel", "lo ", utf8("é"), "té"];
  const vocals: MidiEvent[] = [{ deltaTime: 0, meta: true, type: "trackName", text: "Vocals" }];
  syllables.forEach((text, i) => {
    vocals.push(
      { deltaTime: 0, meta: true, type: "lyrics", text },
      { deltaTime: 0, channel: 0, type: "noteOn", noteNumber: 64 + i, velocity: 90 },
      { deltaTime: 480, channel: 0, type: "noteOff", noteNumber: 64 + i, velocity: 0 },
    );
  });
  vocals.push({ deltaTime: 0, meta: true, type: "endOfTrack" });
  return Uint8Array.from(writeMidi({ header: { format: 1, numTracks: 2, ticksPerBeat: 480 }, tracks: [conductor, vocals] }));
}

describe("inspectMidi", () => {
  it("reads tracks, notes, tempo, time signature and duration", () => {
    const info = inspectMidi(twoTrackSong());
    expect(info.format).toBe(1);
    expect(info.ppq).toBe(480);
    expect(info.noteCount).toBe(5);
    expect(info.tracks.map(({ name, notes, channel, instrument }) => ({ name, notes, channel, instrument }))).toEqual([
      { name: "Lead", notes: 4, channel: 0, instrument: "acoustic grand piano" },
      { name: "Bass", notes: 1, channel: 1, instrument: "electric bass (finger)" },
    ]);
    expect(info.tempos).toHaveLength(1);
    expect(info.tempos[0]?.bpm).toBeCloseTo(100, 3);
    expect(info.tempos[0]).toMatchObject({ ticks: 0, time: 0 });
    expect(info.timeSignatures).toEqual([{ ticks: 0, timeSignature: [3, 4] }]);
    expect(info.durationSec).toBeCloseTo(2.4, 2);
    expect(info.lyrics).toEqual([]);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info); // storable as JSON metadata
  });

  it("honours lyric events on any track, with their times, as UTF-8", () => {
    const info = inspectMidi(songWithLyrics());
    expect(info.tracks.map((t) => t.name)).toEqual(["Vocals"]);
    expect(info.noteCount).toBe(4);
    expect(info.tempos[0]?.bpm).toBeCloseTo(120, 6);
    expect(info.timeSignatures).toEqual([{ ticks: 0, timeSignature: [4, 4] }]);
    expect(info.lyrics).toEqual([
      { ticks: 0, time: 0, text: "Hel" },
      { ticks: 480, time: 0.5, text: "lo " },
      { ticks: 960, time: 1, text: "é" },
      { ticks: 1440, time: 1.5, text: "té" },
    ]);
    expect(info.durationSec).toBeCloseTo(2, 6);
  });

  it("accepts a file without notes", () => {
    const conductorOnly = writeMidi({
      header: { format: 1, numTracks: 1, ticksPerBeat: 96 },
      tracks: [[{ deltaTime: 0, meta: true, type: "endOfTrack" }]],
    });
    expect(inspectMidi(Uint8Array.from(conductorOnly))).toMatchObject({ noteCount: 0, durationSec: 0, tracks: [] });
  });

  it.each([
    ["garbage", () => Uint8Array.from({ length: 512 }, (_, i) => (i * 7919) % 256)],
    ["ZIP bytes", () => zipBytes()],
    ["an empty file", () => new Uint8Array()],
    ["a header without tracks", () => Buffer.from([...Buffer.from("MThd"), 0, 0, 0, 6, 0, 1, 0, 0, 1, 224])],
    ["a file cut short", () => twoTrackSong().subarray(0, 40)],
    ["a file cut short inside its last track", () => songWithLyrics().slice(0, -3)],
  ])("refuses %s with CORRUPT_FILE", (_name, bytes) => {
    expect(() => inspectMidi(bytes())).toThrow(expect.objectContaining({ code: "CORRUPT_FILE" }));
  });
});
