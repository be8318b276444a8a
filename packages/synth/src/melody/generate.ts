import { SynthError } from "../errors";
import type { Melody, Note } from "../types";
import { mulberry32, seedFromNumber } from "./prng";
import { parseKey, type ScaleName } from "./scales";

export type GenerateMelodyOptions = {
  /** Syllables per lyric line; each line becomes one phrase. */
  lines: number[];
  /** The tonic: "C", "F#", "Bb", "A" … */
  key: string;
  scale: ScaleName;
  bpm: number;
  seed: number;
};

export const GENERATE_LIMITS = { minBpm: 30, maxBpm: 300, maxSyllables: 2000 } as const;

/** Time is counted in eighth notes; 4/4, so a beat is 2 and a bar 8. */
const BEAT = 2;
const HALF_BAR = 4;
const BAR = 8;

type Random = () => number;

/**
 * A singable melody with one note per syllable, deterministic for a seed. Each lyric line is a
 * phrase that starts on a bar or half-bar, moves mostly by step within an octave above the tonic,
 * and cadences on a long stable degree (1, 3 or 5; the tonic at the very end).
 */
export function generateMelody(options: GenerateMelodyOptions): Melody {
  const { lines, key, scale, bpm, seed } = options;
  validate(lines, bpm, seed);
  const pitchClasses = parseKey(key, scale);
  const pitches = scalePitches(pitchClasses);
  const stable = stablePositions(pitches);
  const random = mulberry32(seedFromNumber(seed));
  const secondsPerEighth = 60 / bpm / 2;

  const lastLine = lines.findLastIndex((count) => count > 0);
  const notes: Note[] = [];
  let time = 0; // in eighths, always on a half-bar when a phrase starts
  let previousEnd: number | null = null; // scale position of the previous phrase's last note

  for (let index = 0; index < lines.length; index++) {
    const count = lines[index] ?? 0;
    if (count === 0) {
      // An empty line (a stanza break) leaves a bar of rest.
      if (notes.length > 0) time += BAR;
      continue;
    }
    const rhythm = phraseRhythm(count, time, index === lastLine, random);
    const contour = phraseContour(count, pitches.length, stable, previousEnd, index === lastLine, random);
    for (let i = 0; i < count; i++) {
      const [start, length] = rhythm[i] ?? [0, 0];
      notes.push({
        midi: pitches[contour[i] ?? 0] ?? 60,
        start: start * secondsPerEighth,
        duration: length * secondsPerEighth,
      });
    }
    previousEnd = contour[count - 1] ?? null;
    const [lastStart, lastLength] = rhythm[count - 1] ?? [time, 0];
    // The phrase ends on a half-bar; two beats of rest keep the next start on a half-bar too.
    time = lastStart + lastLength + HALF_BAR;
  }
  return { notes, bpm };
}

function validate(lines: number[], bpm: number, seed: number): void {
  if (typeof bpm !== "number" || !Number.isFinite(bpm) || bpm < GENERATE_LIMITS.minBpm || bpm > GENERATE_LIMITS.maxBpm) {
    throw new SynthError(
      "INVALID_INPUT",
      `bpm must be between ${GENERATE_LIMITS.minBpm} and ${GENERATE_LIMITS.maxBpm}; got ${String(bpm)}.`,
      { bpm, min: GENERATE_LIMITS.minBpm, max: GENERATE_LIMITS.maxBpm },
    );
  }
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new SynthError("INVALID_INPUT", `seed must be a finite number; got ${String(seed)}.`, { seed });
  }
  if (!Array.isArray(lines)) {
    throw new SynthError("INVALID_INPUT", "lines must be an array of syllable counts, one per lyric line.");
  }
  let total = 0;
  for (const [index, count] of lines.entries()) {
    if (!Number.isInteger(count) || count < 0) {
      throw new SynthError(
        "INVALID_INPUT",
        `lines[${index}] must be a whole number of syllables (0 or more); got ${String(count)}.`,
        { index, count },
      );
    }
    total += count;
  }
  if (total < 1 || total > GENERATE_LIMITS.maxSyllables) {
    throw new SynthError(
      "INVALID_INPUT",
      `The lyrics have ${total} syllables; a generated melody needs between 1 and ${GENERATE_LIMITS.maxSyllables}.`,
      { syllables: total, min: 1, max: GENERATE_LIMITS.maxSyllables },
    );
  }
}

/**
 * The scale's notes from the tonic up to the tonic an octave higher. The tonic sits in octave 4
 * (C4–C5 for C) up to F#; from G on it drops an octave so the top stays comfortable (G3–G4).
 */
function scalePitches(pitchClasses: number[]): number[] {
  const tonicPc = pitchClasses[0] ?? 0;
  const tonic = tonicPc <= 6 ? 60 + tonicPc : 48 + tonicPc;
  const intervals = pitchClasses.map((pc) => (pc - tonicPc + 12) % 12).sort((a, b) => a - b);
  return [...intervals.map((interval) => tonic + interval), tonic + 12];
}

/** Positions of the tonic, the third and the fifth: the degrees a phrase can come to rest on. */
type Stable = { all: number[]; weights: number[] };

function stablePositions(pitches: number[]): Stable {
  const tonic = pitches[0] ?? 60;
  const all: number[] = [];
  const weights: number[] = [];
  pitches.forEach((pitch, position) => {
    const interval = (pitch - tonic) % 12;
    // A half cadence on 5 or 3 sounds like "to be continued"; ending mid-song on 1 is rarer.
    const weight = interval === 7 ? 3 : interval === 3 || interval === 4 ? 2 : interval === 0 ? 1 : 0;
    if (weight === 0) return;
    all.push(position);
    weights.push(weight);
  });
  return { all, weights };
}

/** [start, length] in eighths for each syllable: quarters and eighths, a long last note. */
function phraseRhythm(count: number, start: number, isLast: boolean, random: Random): Array<[number, number]> {
  const rhythm: Array<[number, number]> = [];
  let time = start;
  let remaining = count - 1;
  const push = (length: number) => {
    rhythm.push([time, length]);
    time += length;
    remaining--;
  };
  while (remaining > 0) {
    const roll = random();
    if (remaining >= 2 && roll < 0.42) {
      push(1);
      push(1);
    } else if (remaining >= 2 && roll < 0.54) {
      push(3); // dotted quarter + eighth
      push(1);
    } else if (roll < 0.94) {
      push(BEAT);
    } else {
      push(2 * BEAT);
    }
  }
  // Every cell fills whole beats, so the last note starts on a beat; hold it at least a half note
  // and up to the next half-bar (the next bar at the very end).
  const boundary = isLast ? BAR : HALF_BAR;
  const end = Math.ceil((time + (isLast ? 6 : 4)) / boundary) * boundary;
  rhythm.push([time, end - time]);
  return rhythm;
}

function pickWeighted<T>(items: T[], weights: number[], random: Random): T | undefined {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let roll = random() * total;
  for (let i = 0; i < items.length; i++) {
    roll -= weights[i] ?? 0;
    if (roll < 0) return items[i];
  }
  return items[items.length - 1];
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * Scale positions for one phrase: a random walk of mostly steps, some repeats and occasional
 * leaps of a third to a fifth (each answered by a step back), steered so that it arrives on the
 * cadence target at the last syllable.
 */
function phraseContour(
  count: number,
  size: number,
  stable: Stable,
  previousEnd: number | null,
  isLast: boolean,
  random: Random,
): number[] {
  const top = size - 1;
  // Open near the previous cadence, or on 1, 3 or 5 at the start of the song.
  const openings = stable.all.filter((position) => position < size / 2 + 1);
  const desired =
    previousEnd === null
      ? (openings[Math.floor(random() * openings.length)] ?? 0)
      : clamp(previousEnd + Math.floor(random() * 5) - 2, 0, top);

  let target: number;
  if (isLast) {
    // The song ends on the tonic, the lower or upper one, whichever the phrase starts nearer to.
    target = Math.abs(desired - top) < desired ? top : 0;
  } else {
    const reachable = stable.all.filter((position) => Math.abs(position - desired) <= count - 1);
    const weights = reachable.map((position) => stable.weights[stable.all.indexOf(position)] ?? 1);
    target = pickWeighted(reachable, weights, random) ?? nearest(stable.all, desired);
  }
  // Start where the target can still be reached by steps.
  let position = clamp(desired, target - (count - 1), target + (count - 1));
  const contour = [position];
  let lastMove = 0;
  let lastWasLeap = false;

  for (let i = 1; i < count; i++) {
    const movesLeft = count - 1 - i; // moves after this note
    if (movesLeft === 0) {
      contour.push(target);
      break;
    }
    const fits = (candidate: number) => candidate >= 0 && candidate <= top && Math.abs(target - candidate) <= movesLeft;
    let next: number | null = null;
    if (movesLeft === 1) {
      // Approach the cadence note by step (re–do, ti–do), not by repeating it.
      const below = target - 1 >= 0 ? target - 1 : null;
      const above = target + 1 <= top ? target + 1 : null;
      if (below === null || above === null) next = below ?? above;
      else {
        const difference = Math.abs(below - position) - Math.abs(above - position);
        next = difference < 0 || (difference === 0 && random() < 0.5) ? below : above;
      }
    } else if (lastWasLeap && fits(position - Math.sign(lastMove))) {
      next = position - Math.sign(lastMove);
    } else {
      const roll = random();
      if (roll < 0.14 && movesLeft >= 3) {
        const span = 2 + Math.floor(random() * 3); // a third, fourth or fifth
        const direction = position + span > top ? -1 : position - span < 0 ? 1 : random() < 0.5 ? -1 : 1;
        const landing = position + direction * span;
        // Only a leap whose step back still leaves the cadence in reach.
        if (fits(landing) && Math.abs(target - (landing - direction)) <= movesLeft - 1) next = landing;
      } else if (roll < 0.24 && lastMove !== 0 && fits(position)) {
        next = position; // a repeated note, never twice in a row
      } else {
        // Steps keep their direction more often than not, turning back near the edges.
        const keep = lastMove !== 0 && random() < 0.6;
        let direction = keep ? Math.sign(lastMove) : random() < 0.5 ? -1 : 1;
        if (position + direction > top || position + direction < 0) direction = -direction;
        if (fits(position + direction)) next = position + direction;
      }
    }
    if (next === null) {
      // Head for the cadence: a step toward it always keeps it in reach.
      const toward = Math.sign(target - position);
      next = toward !== 0 ? position + toward : fits(position + 1) ? position + 1 : fits(position - 1) ? position - 1 : position;
    }
    lastMove = next - position;
    lastWasLeap = Math.abs(lastMove) >= 2;
    position = next;
    contour.push(position);
  }
  return contour;
}

function nearest(positions: number[], value: number): number {
  let best = positions[0] ?? 0;
  for (const position of positions) if (Math.abs(position - value) < Math.abs(best - value)) best = position;
  return best;
}
