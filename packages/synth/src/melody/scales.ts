import { SynthError } from "../errors";

/**
 * Semitones above the tonic of each scale, lowest first. Interval tables as given in standard
 * theory references (e.g. Open Music Theory, "Diatonic modes" and "Pentatonic and blues scales").
 */
export const SCALES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  ionian: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  aeolian: [0, 2, 3, 5, 7, 8, 10],
  "harmonic-minor": [0, 2, 3, 5, 7, 8, 11],
  "melodic-minor": [0, 2, 3, 5, 7, 9, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  locrian: [0, 1, 3, 5, 6, 8, 10],
  pentatonic: [0, 2, 4, 7, 9],
  "minor-pentatonic": [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
} as const satisfies Record<string, readonly number[]>;

export type ScaleName = keyof typeof SCALES;

export const SCALE_NAMES = Object.keys(SCALES) as ScaleName[];

const LETTERS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** The pitch class (0 = C … 11 = B) of a key's tonic: a letter A–G with up to two sharps or flats. */
export function tonicPitchClass(key: string): number {
  const match = /^([A-Ga-g])(#{1,2}|♯{1,2}|b{1,2}|♭{1,2})?$/.exec(typeof key === "string" ? key.trim() : "");
  const letter = match?.[1];
  if (!match || letter === undefined) {
    throw new SynthError(
      "INVALID_INPUT",
      `Unknown key ${JSON.stringify(key)}: use a note name A–G with an optional # or b (e.g. "C", "F#", "Bb").`,
      { key },
    );
  }
  const accidentals = match[2] ?? "";
  const shift = accidentals.startsWith("#") || accidentals.startsWith("♯") ? accidentals.length : -accidentals.length;
  return (((LETTERS[letter.toUpperCase()] ?? 0) + shift) % 12 + 12) % 12;
}

export function isScaleName(scale: string): scale is ScaleName {
  return Object.hasOwn(SCALES, scale);
}

/**
 * The MIDI pitch classes (0 = C … 11 = B) of a key and scale, tonic first, in scale order:
 * parseKey("D", "major") → [2, 4, 6, 7, 9, 11, 1].
 */
export function parseKey(key: string, scale: string): number[] {
  const tonic = tonicPitchClass(key);
  if (typeof scale !== "string" || !isScaleName(scale)) {
    throw new SynthError("INVALID_INPUT", `Unknown scale ${JSON.stringify(scale)}: use one of ${SCALE_NAMES.join(", ")}.`, {
      scale,
      scales: SCALE_NAMES,
    });
  }
  return SCALES[scale].map((interval) => (tonic + interval) % 12);
}
