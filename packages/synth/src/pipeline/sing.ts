import { type AudioBuffer, type Progress } from "@mini-studio/audio";
import { Tensor } from "onnxruntime-node";
import { SynthError } from "../errors";
import { alignSyllables, generateMelody, melodyFromMidi, type ScaleName } from "../melody";
import { parseLyrics } from "../text";
import { type Melody, type SungNote } from "../types";
import { type Voicebank } from "../voicebank";
import { acousticFeeds } from "./acoustic-inputs";
import { phraseF0 } from "./f0";
import { framesOf, layoutPhrases } from "./score";

export type SingOptions = {
  lyrics: string;
  voice: Voicebank;
  /** A MIDI file to sing; without one, a melody is written from key, scale, bpm and seed. */
  midi?: Uint8Array;
  midiTrack?: number | string;
  bpm?: number;
  key?: string;
  scale?: ScaleName;
  seed?: number;
  speaker?: string;
  lang?: string;
  onProgress?: Progress;
};

/** Seconds spent in each stage, for the benchmark and the logs. */
export type SingTimings = { text: number; acoustic: number; vocoder: number };

export type SingResult = { audio: AudioBuffer; notes: SungNote[]; melody: Melody; timings: SingTimings };

/**
 * Sings lyrics: text to phonemes, a melody (MIDI or generated), syllables on notes, then phrase by
 * phrase the acoustic model and the vocoder, into one mono buffer at the voice's sample rate.
 * Phrases are rendered one at a time so memory follows the longest phrase, not the song.
 */
export async function sing(opts: SingOptions): Promise<SingResult> {
  const { voice, onProgress = () => {} } = opts;
  const lang = opts.lang ?? "en";
  const timings: SingTimings = { text: 0, acoustic: 0, vocoder: 0 };
  let mark = performance.now();
  const lap = (stage: keyof SingTimings) => {
    const now = performance.now();
    timings[stage] += (now - mark) / 1000;
    mark = now;
  };

  // A language the voice doesn't sing is the caller's choice to correct (INVALID_INPUT naming the
  // voice's languages), not a phoneme missing from its inventory, which is what it would surface as.
  voice.languageId(lang);
  const lyrics = parseLyrics(opts.lyrics);
  const melody = opts.midi
    ? melodyFromMidi(opts.midi, opts.midiTrack === undefined ? {} : { track: opts.midiTrack })
    : generateMelody({
        // One note per syllable and one more per `+`, so melisma lands on real notes.
        lines: lyrics.lines.map((line) => line.syllables.reduce((n, s) => n + 1 + s.holds, 0)),
        key: opts.key ?? "C",
        scale: opts.scale ?? "major",
        bpm: opts.bpm ?? 120,
        seed: opts.seed ?? 1,
      });
  const notes = alignSyllables(lyrics, melody);
  const phrases = layoutPhrases(notes);
  const { sampleRate, hopSize } = voice.mel;
  const frameSeconds = hopSize / sampleRate;
  const end = phrases.at(-1)!.end;
  const out = new Float32Array(Math.ceil(end * sampleRate) + hopSize);
  lap("text");

  for (const [i, phrase] of phrases.entries()) {
    const phonemes = phrase.phonemes.map((p) => p.phoneme);
    const durations = framesOf(phrase.phonemes, phrase.start, frameSeconds);
    const frames = durations.reduce((a, b) => a + b, 0);
    const f0 = phraseF0(phrase, frames, frameSeconds);
    lap("text");
    const mel = await run(voice, "acoustic", voice.acousticSession, acousticFeeds(voice, { phonemes, durations, f0, lang, speaker: opts.speaker }), "mel");
    if (voice.melConversion !== 1) {
      const data = mel.data as Float32Array;
      for (let k = 0; k < data.length; k++) data[k]! *= voice.melConversion;
    }
    lap("acoustic");
    const wave = await run(voice, "vocoder", voice.vocoder.session, { mel, f0: new Tensor("float32", f0, [1, frames]) }, "waveform");
    const samples = wave.data as Float32Array;
    const offset = Math.round(phrase.start * sampleRate);
    const n = Math.min(samples.length, out.length - offset);
    for (let k = 0; k < n; k++) out[offset + k]! += samples[k]!;
    lap("vocoder");
    onProgress((i + 1) / phrases.length);
  }

  preventClipping(out);
  return { audio: { sampleRate, channels: [out] }, notes, melody, timings };
}

async function run(voice: Voicebank, label: string, session: Voicebank["acousticSession"], feeds: Record<string, Tensor>, output: string): Promise<Tensor> {
  try {
    const result = await session.run(feeds);
    const tensor = result[output];
    if (!tensor) throw new Error(`no "${output}" output`);
    return tensor;
  } catch (error) {
    throw new SynthError("MODEL_ERROR", `The ${label} model of the voice "${voice.name}" failed: ${(error as Error).message}`, { model: label });
  }
}

/** A sung take is never written clipped: above -0.1 dBFS the whole take is scaled down to it. */
function preventClipping(samples: Float32Array): void {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]!);
    if (a > peak) peak = a;
  }
  const ceiling = 10 ** (-0.1 / 20);
  if (peak <= ceiling) return;
  const g = ceiling / peak;
  for (let i = 0; i < samples.length; i++) samples[i]! *= g;
}
