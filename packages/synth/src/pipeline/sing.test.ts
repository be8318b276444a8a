// Pipeline mechanics on a tiny bank whose models only pass f0 through: its "waveform" is the f0
// curve itself, so where and how high the notes land can be read straight off the output.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tonejsMidi from "@tonejs/midi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alignSyllables } from "../melody";
import { parseLyrics } from "../text";
import { loadVoicebank, type Voicebank } from "../voicebank";
import { writeTinyBank } from "../voicebank/test-models.test-support";
import { acousticFeeds } from "./acoustic-inputs";
import { midiToHz } from "./f0";
import { framesOf, layoutPhrases, PAD_SECONDS } from "./score";
import { sing } from "./sing";

const FRAME = 512 / 44_100;

function midiFile(notes: { midi: number; time: number; duration: number }[], bpm = 120): Uint8Array {
  const midi = new tonejsMidi.Midi();
  midi.header.setTempo(bpm);
  const track = midi.addTrack();
  for (const note of notes) track.addNote(note);
  return midi.toArray();
}

let dir: string;
let voice: Voicebank;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "synth-pipeline-"));
  await writeTinyBank(join(dir, "tiny"));
  voice = await loadVoicebank(join(dir, "tiny"));
});
afterAll(async () => {
  await voice?.release();
  rmSync(dir, { recursive: true, force: true });
});

describe("the score", () => {
  const notes = [
    { midi: 60, time: 0.5, duration: 0.5 },
    { midi: 64, time: 1.0, duration: 0.5 },
    { midi: 67, time: 2.5, duration: 1.0 },
  ];
  const sung = () => alignSyllables(parseLyrics("hello low"), { notes: notes.map((n) => ({ midi: n.midi, start: n.time, duration: n.duration })), bpm: 120 });

  it("puts each vowel on its note, consonants just before it, and SP around each phrase", () => {
    const phrases = layoutPhrases(sung());
    // "hel-lo" then a rest of a second, then "low": two phrases.
    expect(phrases).toHaveLength(2);
    const [first] = phrases;
    const names = first!.phonemes.map((p) => p.phoneme);
    expect(names[0]).toBe("SP");
    expect(names.at(-1)).toBe("SP");
    expect(names.filter((n) => n !== "SP")).toEqual(["hh", "ah", "l", "ow"]);
    const ah = first!.phonemes.find((p) => p.phoneme === "ah")!;
    const ow = first!.phonemes.find((p) => p.phoneme === "ow")!;
    expect(ah.start).toBeCloseTo(0.5, 6);
    expect(ow.start).toBeCloseTo(1.0, 6);
    expect(first!.phonemes.find((p) => p.phoneme === "hh")!.end).toBeCloseTo(0.5, 6);
    expect(first!.end).toBeCloseTo(1.5 + PAD_SECONDS, 6);
  });

  it("rounds phoneme boundaries to frames without drift", () => {
    for (const phrase of layoutPhrases(sung())) {
      const frames = framesOf(phrase.phonemes, phrase.start, FRAME);
      const total = frames.reduce((a, b) => a + b, 0);
      expect(total).toBe(Math.round((phrase.end - phrase.start) / FRAME));
      expect(Math.min(...frames)).toBeGreaterThanOrEqual(1);
      // Every boundary is within half a frame of its time.
      let at = 0;
      phrase.phonemes.forEach((p, i) => {
        at += frames[i]!;
        expect(Math.abs(at * FRAME - (p.end - phrase.start))).toBeLessThanOrEqual(FRAME / 2 + 1e-9);
      });
    }
  });
});

describe("sing", () => {
  it("renders each note at its time and pitch, with silence between phrases", async () => {
    const midi = midiFile([
      { midi: 60, time: 0.5, duration: 0.5 },
      { midi: 64, time: 1.0, duration: 0.5 },
      { midi: 67, time: 2.5, duration: 1.0 },
    ]);
    const { audio, notes } = await sing({ lyrics: "hello low", voice, midi });
    expect(notes).toHaveLength(3);
    const out = audio.channels[0]!;
    const at = (s: number) => out[Math.round(s * 44_100)]!;
    // The pass-through models scale f0 by one common factor: ratios between notes are pitch ratios.
    expect(at(0.75) / at(3.0)).toBeCloseTo(midiToHz(60) / midiToHz(67), 2);
    expect(at(1.25) / at(3.0)).toBeCloseTo(midiToHz(64) / midiToHz(67), 2);
    // Between the phrases (1.5 + pad .. 2.5 - pad - onset) nothing is rendered.
    expect(at(2.0)).toBe(0);
    expect(out.reduce((peak, x) => Math.max(peak, Math.abs(x)), 0)).toBeLessThanOrEqual(1);
    expect(audio.sampleRate).toBe(44_100);
  });

  it("is deterministic", async () => {
    const a = await sing({ lyrics: "hello", voice, seed: 3 });
    const b = await sing({ lyrics: "hello", voice, seed: 3 });
    expect(a.audio.channels[0]).toEqual(b.audio.channels[0]);
  });

  it("names a phoneme the voice lacks", async () => {
    await expect(sing({ lyrics: "zebra", voice })).rejects.toMatchObject({ code: "UNKNOWN_PHONEME" });
  });
});

describe("acoustic inputs", () => {
  it("feeds exactly the inputs a bank declares, with the declared ranks", async () => {
    const bank = join(dir, "full");
    await writeTinyBank(bank, {
      acoustic: { extra: ["steps", "depth", "spk_embed", "gender", "velocity", "languages"] },
      dsconfig: { use_variable_depth: true, max_depth: 0.6, speakers: ["alto"], use_lang_id: true, languages: "languages.json", use_speed_embed: true, use_key_shift_embed: true, augmentation_args: { random_pitch_shifting: { range: [-5, 5] } } },
      files: {
        "alto.emb": new Uint8Array(new Float32Array([0.1, 0.2, 0.3, 0.4]).buffer),
        "languages.json": JSON.stringify({ en: 1 }),
        "phonemes.txt": ["<PAD>", "AP", "SP", "en/aa", "en/hh", "en/ah", "en/l", "en/ow"].join("\n") + "\n",
      },
    });
    const full = await loadVoicebank(bank);
    try {
      const feeds = acousticFeeds(full, { phonemes: ["SP", "hh", "ah", "SP"], durations: Int32Array.of(2, 3, 4, 1), f0: new Float32Array(10).fill(220), lang: "en" });
      expect(Object.keys(feeds).sort()).toEqual(Object.keys(full.acousticInputs).sort());
      expect(feeds.steps!.dims).toEqual([]);
      expect(feeds.depth!.data).toEqual(Float32Array.of(0.6));
      expect(feeds.spk_embed!.dims).toEqual([1, 10, 4]);
      expect([...(feeds.languages!.data as BigInt64Array)]).toEqual([0n, 1n, 1n, 0n]);
      expect([...(feeds.tokens!.data as BigInt64Array)]).toEqual([2n, 4n, 5n, 2n]);
    } finally {
      await full.release();
    }
  });
});
