// What a listener hears when the built-in default voice sings: notes in tune and on time, silent
// rests, the vowels it was asked for, clean output, and clear refusals of bad input. Everything is
// measured on the rendered audio with instruments of the tests' own (quality.test-support.ts).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tonejsMidi from "@tonejs/midi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDefaultVoice } from "../builtin/default-voice";
import { formantTargets } from "../builtin/formants";
import { loadVoice, loadVoicebank, type Voicebank } from "../voicebank";
import {
  bandLevelDb,
  dbfs,
  formantsAt,
  forPitch,
  hzToMidi,
  median,
  midiFile,
  powerSpectrum,
  rms,
  type ScoreNote,
  yinAt,
} from "./quality.test-support";
import { phraseF0 } from "./f0";
import { layoutPhrases } from "./score";
import { sing, type SingOptions } from "./sing";

const SR = 44_100;
const FRAME = 512;
const BPM = 100;
const EIGHTH = 60 / BPM / 2;

let voices: string;
let voice: Voicebank;
const rendered: Float32Array[] = [];

beforeAll(async () => {
  voices = await mkdtemp(join(tmpdir(), "synth-quality-"));
  await writeDefaultVoice(join(voices, "default"));
  voice = await loadVoicebank(join(voices, "default"));
});
afterAll(async () => {
  await voice?.release();
  await rm(voices, { recursive: true, force: true });
});

async function render(opts: Omit<SingOptions, "voice">): Promise<Float32Array> {
  const { audio } = await sing({ ...opts, voice });
  expect(audio.sampleRate).toBe(SR);
  expect(audio.channels).toHaveLength(1);
  const samples = audio.channels[0]!;
  rendered.push(samples);
  return samples;
}

/**
 * How each note's onset is heard: after silence or a voiceless consonant the vowel's energy rises;
 * between two vowels (legato, no consonant) only the pitch changes.
 */
type Onset = "energy" | "pitch";
/** [MIDI note, start and length in eighths at 100 bpm, syllable, how its onset is heard]. */
const SONG: [number, number, number, string, Onset][] = [
  [57, 1, 2, "pa", "energy"],
  [60, 3, 1, "tea", "energy"],
  [62, 4, 1, "key", "energy"],
  [64, 5, 2, "ah", "pitch"],
  [69, 7, 2, "saw", "energy"],
  [72, 9, 4, "oh", "pitch"],
  // a quarter rest
  [71, 15, 1, "fee", "energy"],
  [67, 16, 1, "ah", "pitch"],
  [65, 17, 3, "sue", "energy"],
  // an eighth rest
  [72, 21, 1, "ha", "energy"],
  [62, 22, 1, "key", "energy"],
  [59, 23, 2, "oh", "pitch"],
  [54, 25, 2, "pa", "energy"],
  // a quarter rest
  [60, 29, 1, "shoe", "energy"],
  [64, 30, 1, "ah", "pitch"],
  [67, 31, 2, "tea", "energy"],
];
const SCORE: ScoreNote[] = SONG.map(([midi, start, length]) => ({ midi, time: start * EIGHTH, duration: length * EIGHTH }));

describe("a 16-note song from MIDI (F#3 to C5, eighths to half notes, legato and rests, 100 bpm)", () => {
  let x: Float32Array;
  let pitch: ReturnType<typeof forPitch>;
  /** YIN f0 (Hz or null) at a time in seconds. */
  const f0At = (seconds: number) => yinAt(pitch.samples, pitch.sampleRate, seconds * pitch.sampleRate).hz;

  beforeAll(async () => {
    x = await render({ lyrics: SONG.map((note) => note[3]).join(" "), midi: midiFile(SCORE, BPM) });
    pitch = forPitch(x, SR);
  });

  it("sings each note in tune: ≥ 95 % of the voiced frames of its steady part within 50 cents", () => {
    const report: string[] = [];
    let voicedTotal = 0;
    let framesTotal = 0;
    for (const [i, note] of SCORE.entries()) {
      let voiced = 0;
      let inTune = 0;
      let frames = 0;
      for (let t = note.time + 0.3 * note.duration; t <= note.time + 0.85 * note.duration; t += FRAME / SR) {
        frames++;
        const hz = f0At(t);
        if (hz === null) continue;
        voiced++;
        if (Math.abs(hzToMidi(hz) - note.midi) <= 0.5) inTune++;
      }
      voicedTotal += voiced;
      framesTotal += frames;
      report.push(`${i} ${SONG[i]![3]}: ${inTune}/${voiced} in tune, ${voiced}/${frames} voiced`);
      expect(inTune / voiced, report.at(-1)).toBeGreaterThanOrEqual(0.95);
      // The steady part is mostly the vowel; only the next syllable's consonant may take its end.
      expect(voiced / frames, report.at(-1)).toBeGreaterThanOrEqual(0.5);
    }
    expect(voicedTotal / framesTotal, report.join("\n")).toBeGreaterThan(0.8);
  });

  it("starts each note within 2 frames of the score: the vowel's energy rise, or the pitch change in legato", () => {
    const errors: string[] = [];
    for (const [i, note] of SCORE.entries()) {
      const [, , , syllable, kind] = SONG[i]!;
      const onset = kind === "energy" ? energyOnset(x, note) : crossing(f0At, SCORE[i - 1]!, note);
      const frames = ((onset - note.time) * SR) / FRAME;
      errors.push(`${i} ${syllable} (${kind}): ${frames.toFixed(2)}`);
      expect(Math.abs(frames), errors.at(-1)).toBeLessThanOrEqual(2);
    }
  });

  it("gives notes of the same length the same vibrato (the song's first and thirteenth notes, both quarter notes)", () => {
    const spread = (note: ScoreNote) => {
      const cents: number[] = [];
      for (let t = note.time + 0.3 * note.duration; t <= note.time + 0.85 * note.duration; t += FRAME / SR) {
        const hz = f0At(t);
        if (hz !== null) cents.push(100 * (hzToMidi(hz) - note.midi));
      }
      return Math.max(...cents) - Math.min(...cents);
    };
    // Both are quarter notes; MIDI ticks make one 0.6000000000000001 s and the other 0.5999999999999996 s.
    const [first, second] = [spread(SCORE[0]!), spread(SCORE[12]!)];
    expect(first, "the first quarter note vibrates").toBeGreaterThan(10);
    expect(Math.abs(first - second), `${first.toFixed(1)} vs ${second.toFixed(1)} cents`).toBeLessThan(8);
  });

  it("is silent (below -50 dBFS) in the middle of every rest longer than 300 ms", () => {
    const rests = SCORE.slice(1).flatMap((note, i) => {
      const previous = SCORE[i]!;
      const start = previous.time + previous.duration;
      return note.time - start > 0.3 + 1e-6 ? [{ start, end: note.time }] : [];
    });
    expect(rests).toHaveLength(2);
    for (const { start, end } of rests) {
      const quarter = (end - start) / 4;
      const level = dbfs(rms(x, (start + quarter) * SR, (end - quarter) * SR));
      expect(level, `rest ${start.toFixed(2)}–${end.toFixed(2)} s`).toBeLessThan(-50);
    }
    // ...while the notes around them are well above it.
    const note = SCORE[6]!;
    expect(dbfs(rms(x, (note.time + 0.1) * SR, (note.time + 0.25) * SR))).toBeGreaterThan(-40);
  });
});

/**
 * The vowel's onset: scanning back from its sustained part (steady 30–70 % of the note), the last
 * moment the 100–800 Hz band is 15 dB below the sustained level. That band holds a vowel's first
 * formant and hardly any of a voiceless consonant's noise; 15 dB is well inside a stop's closure or
 * a rest, and well above a fricative's spill into the band.
 */
function energyOnset(x: Float32Array, note: ScoreNote): number {
  const step = 128 / SR;
  const level = (t: number) => bandLevelDb(x, SR, t * SR, 100, 800);
  const sustained: number[] = [];
  for (let t = note.time + 0.3 * note.duration; t <= note.time + 0.7 * note.duration; t += step) sustained.push(level(t));
  const threshold = median(sustained) - 15;
  let after = level(note.time + 0.3 * note.duration);
  for (let t = note.time + 0.3 * note.duration - step; t > note.time - 0.25; t -= step) {
    const here = level(t);
    if (here < threshold) return t + (step * (threshold - here)) / (after - here);
    after = here;
  }
  throw new Error(`no energy rise found before the note at ${note.time.toFixed(3)} s`);
}

/** The legato onset: where a pitch curve (Hz per time, null when unvoiced) crosses halfway, in semitones, from the previous note to this one. */
function crossing(f0At: (t: number) => number | null, previous: ScoreNote, note: ScoreNote): number {
  const middle = (previous.midi + note.midi) / 2;
  const rising = note.midi > previous.midi;
  const step = 32 / SR;
  let before: { t: number; m: number } | null = null;
  for (let t = note.time - 0.1; t <= note.time + 0.1; t += step) {
    const hz = f0At(t);
    if (hz === null) continue;
    const m = hzToMidi(hz);
    const past = rising ? m >= middle : m <= middle;
    if (past && before) return before.t + ((t - before.t) * (middle - before.m)) / (m - before.m);
    before = past ? null : { t, m };
  }
  throw new Error(`the pitch never moves from ${previous.midi} to ${note.midi} around ${note.time.toFixed(3)} s`);
}

// The vocoder renders f0[t] at sample t · 512, where mel frame t and the phoneme boundaries of
// framesOf sit; an f0 sampled anywhere else plays the melody early or late against the words.
describe("the pitch and the phonemes keep one clock", () => {
  it("changes pitch in legato where the score's f0 curve does (within a quarter frame on average)", async () => {
    const score = Array.from({ length: 13 }, (_, k) => ({ midi: k % 2 === 0 ? 53 : 57, time: EIGHTH + k * EIGHTH, duration: EIGHTH }));
    const { audio, notes } = await sing({ lyrics: score.map(() => "ah").join(" "), voice, midi: midiFile(score, BPM) });
    rendered.push(audio.channels[0]!);
    const pitch = forPitch(audio.channels[0]!, SR);
    const [phrase] = layoutPhrases(notes);
    // The score's own curve, sampled finely: where each glide is halfway, by design.
    const dt = 1 / pitch.sampleRate;
    const curve = phraseF0(phrase!, Math.round((phrase!.end - phrase!.start) / dt), dt);
    const offsets: number[] = [];
    for (let k = 1; k < score.length; k++) {
      const previous = score[k - 1]!;
      const note = score[k]!;
      const designed = crossing((t) => curve[Math.round((t - phrase!.start) / dt)] ?? null, previous, note);
      const sung = crossing((t) => yinAt(pitch.samples, pitch.sampleRate, t * pitch.sampleRate).hz, previous, note);
      offsets.push(((sung - designed) * SR) / FRAME);
    }
    const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    expect(Math.abs(mean), offsets.map((o) => o.toFixed(2)).join(" ")).toBeLessThan(0.25);
    for (const offset of offsets) expect(Math.abs(offset)).toBeLessThan(1);
  });
});

describe("a song whose first note starts at 0 s (a MIDI file's downbeat; every generated melody)", () => {
  /** The first /s/ of "spa day" on notes starting at `start`: its level and its share above 3 kHz, and where the vowel begins. */
  async function firstS(start: number) {
    const score = [
      { midi: 60, time: start, duration: 2 * EIGHTH },
      { midi: 62, time: start + 2 * EIGHTH, duration: 2 * EIGHTH },
    ];
    const { audio, notes } = await sing({ lyrics: "spa day", voice, midi: midiFile(score, BPM) });
    const x = audio.channels[0]!;
    rendered.push(x);
    const [phrase] = layoutPhrases(notes);
    const s = phrase!.phonemes.find((p) => p.phoneme === "s")!;
    const middle = ((s.start + s.end) / 2) * SR;
    const spectrum = powerSpectrum(x, middle, 1024);
    const above = spectrum.reduce((sum, p, k) => sum + ((k * SR) / 1024 >= 3000 ? p : 0), 0);
    return {
      phonemes: phrase!.phonemes.slice(0, 4).map((p) => p.phoneme),
      level: dbfs(rms(x, middle - 512, middle + 512)),
      hiss: above / spectrum.reduce((a, b) => a + b, 0),
      vowel: energyOnset(x, score[0]!),
    };
  }

  it("still sings its first consonants, as loud as with room before the note, and the vowel soon after", async () => {
    const roomy = await firstS(0.6);
    const atZero = await firstS(0);
    expect(atZero.phonemes).toEqual(["SP", "s", "p", "aa"]);
    expect(atZero.hiss).toBeGreaterThan(0.8);
    expect(Math.abs(atZero.level - roomy.level), `${atZero.level.toFixed(1)} vs ${roomy.level.toFixed(1)} dBFS`).toBeLessThan(6);
    // With room, the vowel is on the beat; at 0 s it waits for /s p/, about 170 ms.
    expect(Math.abs(roomy.vowel - 0.6)).toBeLessThan((2 * FRAME) / SR);
    expect(atZero.vowel).toBeLessThan(0.2);
  });
});

describe("vowels", () => {
  const VOWELS = [
    ["aa", "ah"],
    ["iy", "see"],
    ["uw", "too"],
  ] as const;
  const LONG = 4 * EIGHTH;
  let x: Float32Array;
  beforeAll(async () => {
    const score = VOWELS.map((_, k) => ({ midi: 57, time: EIGHTH + k * LONG, duration: LONG }));
    x = await render({ lyrics: VOWELS.map(([, word]) => word).join(" "), midi: midiFile(score, BPM) });
  });

  it.each(VOWELS.map(([vowel, word], k) => ({ vowel, word, k })))(
    "sings the /$vowel/ of “$word” with F1 and F2 within 15 % of the formant table (LPC, steady 40 ms windows)",
    ({ vowel, k }) => {
      const start = EIGHTH + k * LONG;
      const [f1, f2] = formantTargets(vowel) as [number, number];
      const windows: [number, number][] = [];
      for (let at = 0.3; at <= 0.85 + 1e-9; at += 0.05) windows.push(formantsAt(x, SR, (start + at * LONG) * SR));
      const measured = [median(windows.map((w) => w[0])), median(windows.map((w) => w[1]))] as const;
      const message = `/${vowel}/ table ${f1}/${f2} Hz, measured ${measured.map(Math.round).join("/")} Hz`;
      expect(Math.abs(measured[0] / f1 - 1), message).toBeLessThan(0.15);
      expect(Math.abs(measured[1] / f2 - 1), message).toBeLessThan(0.15);
      // Every window, not just the typical one: the vowel holds still.
      for (const [w1, w2] of windows) {
        expect(Math.abs(w1 / f1 - 1), message).toBeLessThan(0.15);
        expect(Math.abs(w2 / f2 - 1), message).toBeLessThan(0.15);
      }
    },
  );
});

describe("output", () => {
  const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

  it("is the same, byte for byte, for the same input: twice, and with the voice loaded afresh", async () => {
    const input = { lyrics: "hello my friend\nsing it again", seed: 7, bpm: 140 };
    const a = await render(input);
    const b = await render(input);
    const again = await loadVoicebank(join(voices, "default"));
    let c: Float32Array;
    try {
      c = (await sing({ ...input, voice: again })).audio.channels[0]!;
    } finally {
      await again.release();
    }
    expect(dbfs(rms(a, 0, a.length))).toBeGreaterThan(-40);
    expect(bytes(b).equals(bytes(a))).toBe(true);
    expect(bytes(c).equals(bytes(a))).toBe(true);
    // A different seed is a different melody, so sameness is not an accident of the input.
    const other = await render({ ...input, seed: 8 });
    expect(other.length === a.length && bytes(other).equals(bytes(a))).toBe(false);
  });

  it("never clips, even at the ends of the range and on a long held note: peak ≤ 1, no NaN", async () => {
    const score = [
      { midi: 36, time: 0.2, duration: 0.6 },
      { midi: 96, time: 0.8, duration: 0.3 },
      { midi: 84, time: 1.1, duration: 2.5 },
    ];
    await render({ lyrics: "ah ha ah", midi: midiFile(score, 120) });
    // This take and every other one this file has rendered so far.
    for (const samples of rendered) {
      let peak = 0;
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i]!;
        if (!Number.isFinite(v)) throw new Error(`sample ${i} is ${v}`);
        peak = Math.max(peak, Math.abs(v));
      }
      expect(peak).toBeLessThanOrEqual(1);
      expect(peak).toBeGreaterThan(0.01);
    }
  });
});

describe("bad input: a clear SynthError, never a crash or a hang", () => {
  const QUICK = { timeout: 10_000 };
  const fails = (opts: Omit<SingOptions, "voice">) => sing({ ...opts, voice });

  it("refuses empty lyrics", QUICK, async () => {
    for (const lyrics of ["", "   \n\t  ", "!!! ... ---"]) {
      await expect(fails({ lyrics }), JSON.stringify(lyrics)).rejects.toMatchObject({ name: "SynthError", code: "INVALID_LYRICS", message: expect.stringMatching(/no words/) });
    }
  });

  it("refuses 100 kB of lyrics, naming the limit", QUICK, async () => {
    const lyrics = "la ".repeat(34_000);
    expect(lyrics.length).toBeGreaterThan(100_000);
    await expect(fails({ lyrics })).rejects.toMatchObject({ code: "INVALID_LYRICS", message: expect.stringMatching(/102000 characters.*limit is 20000/) });
  });

  it("refuses a tempo of 0 or 10000 bpm for a generated melody", QUICK, async () => {
    for (const bpm of [0, 10_000]) {
      await expect(fails({ lyrics: "hello", bpm }), String(bpm)).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(new RegExp(`bpm must be between 30 and 300; got ${bpm}`)) });
    }
  });

  it("names the voices there are when asked for one that isn't", QUICK, async () => {
    await expect(loadVoice(voices, "nobody")).rejects.toMatchObject({ code: "UNKNOWN_VOICE", message: expect.stringMatching(/"nobody".*available: .*default/) });
  });

  it("refuses a MIDI file without notes", QUICK, async () => {
    const empty = new tonejsMidi.Midi();
    empty.header.setTempo(BPM);
    empty.addTrack();
    await expect(fails({ lyrics: "hello", midi: empty.toArray() })).rejects.toMatchObject({ code: "INVALID_MELODY", message: expect.stringMatching(/no notes/) });
  });

  it("refuses a voicebank whose acoustic model is corrupt, naming the file", QUICK, async () => {
    const dir = join(voices, "corrupt");
    await writeDefaultVoice(dir);
    await writeFile(join(dir, "acoustic.onnx"), Buffer.from("this is not an onnx model \u0000\u0001\u0002".repeat(50)));
    await expect(loadVoicebank(dir)).rejects.toMatchObject({ code: "BROKEN_VOICEBANK", message: expect.stringMatching(/acoustic\.onnx/) });
    await expect(loadVoice(voices, "corrupt")).rejects.toMatchObject({ code: "BROKEN_VOICEBANK" });
  });
});
