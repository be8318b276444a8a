import { type Note } from "../types";
import { type Phrase } from "./score";

/** Pitch glides between notes over this long at most (Sundberg: 50–150 ms in sung legato). */
const PORTAMENTO_SECONDS = 0.08;
/** Vibrato on notes longer than this, after a delay, fading in (typical classical/pop singing). */
const VIBRATO_MIN_NOTE = 0.6;
const VIBRATO_DELAY = 0.3;
const VIBRATO_FADE = 0.25;
const VIBRATO_RATE_HZ = 5.5;
/** ±semitones: natural vibrato is ±0.5–1, kept gentle here so the melody reads clearly. */
const VIBRATO_DEPTH = 0.2;

function glideOf(from: Note, to: Note): number {
  return Math.min(PORTAMENTO_SECONDS, from.duration * 0.3, to.duration * 0.3);
}

/** A raised-cosine move from one pitch to the next, `into` seconds into a glide of `length`. */
function glideAt(from: number, to: number, into: number, length: number): number {
  if (length <= 0 || into >= length) return to;
  if (into <= 0) return from;
  return from + (to - from) * 0.5 * (1 - Math.cos((Math.PI * into) / length));
}

export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/**
 * The phrase's f0 per frame, in Hz: each note's pitch, held through rests and consonants, gliding
 * into the next note (a raised-cosine portamento centred a little before the note, so the target
 * is reached near its start) and, on long notes, a delayed vibrato that fades in.
 */
export function phraseF0(phrase: Phrase, frames: number, frameSeconds: number): Float32Array {
  const notes = phrase.notes;
  const semis = new Float64Array(frames);
  let n = 0;
  for (let t = 0; t < frames; t++) {
    // Frame t is the instant t hops into the phrase: where a centred STFT puts mel frame t, where
    // framesOf counts phoneme boundaries and where the vocoder renders f0[t] (OpenUtau's
    // DiffSingerUtils.SampleCurve samples at i · frameMs too). Sampling mid-frame would play the
    // pitch half a frame ahead of the phonemes.
    const time = phrase.start + t * frameSeconds;
    while (n + 1 < notes.length && notes[n + 1]!.start <= time) n++;
    const note = notes[n]!;
    const previous = notes[n - 1];
    const next = notes[n + 1];
    let pitch = note.midi;
    // Each glide spans [boundary - 0.6 g, boundary + 0.4 g], so it crosses into the new note.
    if (previous && time < note.start + 0.4 * glideOf(previous, note)) {
      pitch = glideAt(previous.midi, note.midi, time - (note.start - 0.6 * glideOf(previous, note)), glideOf(previous, note));
    } else if (next && time > next.start - 0.6 * glideOf(note, next)) {
      pitch = glideAt(note.midi, next.midi, time - (next.start - 0.6 * glideOf(note, next)), glideOf(note, next));
    }
    // A microsecond of slack: note lengths from MIDI ticks land a rounding error either side of
    // VIBRATO_MIN_NOTE, and two quarter notes must not differ in whether they vibrate.
    if (note.duration >= VIBRATO_MIN_NOTE - 1e-6) {
      const into = time - note.start - VIBRATO_DELAY;
      const left = note.start + note.duration - time;
      if (into > 0 && left > 0) {
        const fade = Math.min(1, into / VIBRATO_FADE, left / 0.1);
        pitch += VIBRATO_DEPTH * fade * Math.sin(2 * Math.PI * VIBRATO_RATE_HZ * into);
      }
    }
    semis[t] = pitch;
  }
  const f0 = new Float32Array(frames);
  for (let t = 0; t < frames; t++) f0[t] = midiToHz(semis[t]!);
  return f0;
}
