import { describe, expect, it } from "vitest";
import { mulberry32 } from "../random";
import { encodeWav } from "../wav/wav-encoder";
import { K_STATE_SIZE, kWeighting, kWeightedSumOfSquaresS16, flushSubnormals } from "./k-weighting";
import { SimdKWeighting } from "./k-weighting-simd";
import { gateInJavaScript, LoudnessMeter, measureLoudness } from "./loudness";
import { musicLike } from "./test-signals";

const FLOOR = 1e-30 * 32768;

/** Interleaved 16-bit noise with a few full-scale samples, as a WAV file's data chunk holds it. */
function pcm(frames: number, channels: number, seed: number): Int16Array {
  const next = mulberry32(seed);
  return Int16Array.from({ length: frames * channels }, () => (next() < 0.01 ? (next() < 0.5 ? -32768 : 32767) : Math.round((next() * 2 - 1) * 12_000)));
}

const bytesOf = (ints: Int16Array) => new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);

/** A state mid-song, in the 16-bit domain: integer input history, anything for the recursions. */
function someState(channels: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const state = new Float64Array(channels * K_STATE_SIZE);
  for (let c = 0; c < channels; c++) {
    state[c * K_STATE_SIZE] = Math.round((next() * 2 - 1) * 30_000);
    state[c * K_STATE_SIZE + 1] = Math.round((next() * 2 - 1) * 30_000);
    for (let k = 2; k < K_STATE_SIZE; k++) state[c * K_STATE_SIZE + k] = (next() * 2 - 1) * 50_000;
  }
  return state;
}

const simd = SimdKWeighting.shared();

describe("SimdKWeighting", () => {
  it("is available here (Node's WebAssembly has SIMD)", () => {
    expect(simd).not.toBeNull();
  });

  it.each([
    [2, [4410, 4410, 1, 0, 2, 3, 999, 2049, 4096]],
    [3, [1000, 17]],
    [6, [4093, 4410]],
  ])("with %i channels, gives each paired channel the sums and state of the JavaScript loop, bit for bit (runs of %j frames)", (channels, runs) => {
    const filter = kWeighting(44_100);
    const total = runs.reduce((a, b) => a + b, 0);
    const ints = pcm(total, channels, channels);
    const pairs = channels >> 1;
    const expected = someState(channels, 99);
    const state = expected.slice();
    const kernel = simd!;
    const pieceFrames = kernel.begin(filter, FLOOR, state, pairs, channels * 2);
    expect(pieceFrames).toBe(Math.floor(65_536 / (channels * 2)));
    let at = 0;
    for (const frames of runs) {
      kernel.stage(bytesOf(ints.subarray(at * channels, (at + frames) * channels)));
      for (let pair = 0; pair < pairs; pair++) {
        kernel.run(pair, 0, frames);
        for (const lane of [0, 1] as const) {
          const c = 2 * pair + lane;
          const want = kWeightedSumOfSquaresS16(ints, at * channels + c, frames, channels, filter, expected, c * K_STATE_SIZE);
          flushSubnormals(expected, c * K_STATE_SIZE, FLOOR);
          expect(kernel.sumOf(pair, lane)).toBe(want);
        }
      }
      at += frames;
    }
    kernel.end(state, pairs);
    // The paired channels' state is the loop's; an odd last channel's is left alone.
    expect([...state]).toEqual([...expected.subarray(0, 2 * pairs * K_STATE_SIZE), ...state.subarray(2 * pairs * K_STATE_SIZE)]);
    expect([...state.subarray(2 * pairs * K_STATE_SIZE)]).toEqual([...someState(channels, 99).subarray(2 * pairs * K_STATE_SIZE)]);
  });

  it("measures from any frame of the staged piece", () => {
    const filter = kWeighting(48_000);
    const ints = pcm(3000, 2, 5);
    const expected = new Float64Array(2 * K_STATE_SIZE);
    const state = expected.slice();
    simd!.begin(filter, FLOOR, state, 1, 4);
    simd!.stage(bytesOf(ints));
    for (const [first, frames] of [[0, 1200], [1200, 1800]] as const) {
      simd!.run(0, first, frames);
      for (const lane of [0, 1] as const) {
        const want = kWeightedSumOfSquaresS16(ints, first * 2 + lane, frames, 2, filter, expected, lane * K_STATE_SIZE);
        flushSubnormals(expected, lane * K_STATE_SIZE, FLOOR);
        expect(simd!.sumOf(0, lane)).toBe(want);
      }
    }
    simd!.end(state, 1);
    expect([...state]).toEqual([...expected]);
  });

  it("zeroes recursion state that silence has decayed below the floor, and only that", () => {
    const filter = kWeighting(44_100);
    const state = new Float64Array(2 * K_STATE_SIZE);
    state.set([0, 0, 0, 0, 1e-28, -1e-28, 1e-28, 2e-28], 0);
    state.set([0, 0, 0, 0, 1, 1, 1, 1], K_STATE_SIZE);
    simd!.begin(filter, FLOOR, state, 1, 4);
    simd!.stage(new Uint8Array(4 * 2)); // two frames of digital silence
    simd!.run(0, 0, 2);
    simd!.end(state, 1);
    const expected = new Float64Array(2 * K_STATE_SIZE);
    expected.set([0, 0, 0, 0, 1e-28, -1e-28, 1e-28, 2e-28], 0);
    expected.set([0, 0, 0, 0, 1, 1, 1, 1], K_STATE_SIZE);
    const ints = new Int16Array(4);
    for (const c of [0, 1]) {
      kWeightedSumOfSquaresS16(ints, c, 2, 2, filter, expected, c * K_STATE_SIZE);
      flushSubnormals(expected, c * K_STATE_SIZE, FLOOR);
    }
    expect([...state]).toEqual([...expected]);
    expect([...state.subarray(4, K_STATE_SIZE)]).toEqual([0, 0, 0, 0]);
    expect(state.subarray(K_STATE_SIZE + 4).every((v) => Math.abs(v) > 0.1)).toBe(true);
  });

  it.each([
    [2, 4410, 0, 0],
    [2, 4800, 1234, 0.5],
    [6, 4410, 4409, 2],
    [2, 7, 3, 0.25],
  ])(
    "with %i channels and sub-blocks of %i frames (%i filled), adds up the sub-blocks as JavaScript over run and sumOf does, bit for bit",
    (channels, hop, filled, current) => {
      const filter = kWeighting(44_100);
      const pairs = channels / 2;
      const weights = Float64Array.from({ length: channels }, (_, c) => (c >= 4 ? 1.41 : 1));
      const scale = 1 / 2 ** 30;
      const ints = pcm(40_000, channels, hop);
      const initial = someState(channels, 7);

      // What LoudnessMeter computed before the kernel added the sub-blocks up itself.
      const expectedState = initial.slice();
      const pieceFrames = simd!.begin(filter, FLOOR, expectedState, pairs, channels * 2);
      const expected: number[] = [];
      let want = { current, filled };
      for (let at = 0; at < 40_000; at += pieceFrames) {
        const frames = Math.min(pieceFrames, 40_000 - at);
        simd!.stage(bytesOf(ints.subarray(at * channels, (at + frames) * channels)));
        for (let i = 0; i < frames; ) {
          const n = Math.min(frames - i, hop - want.filled);
          let energy = 0;
          for (let pair = 0; pair < pairs; pair++) {
            simd!.run(pair, i, n);
            energy += weights[2 * pair]! * (simd!.sumOf(pair, 0) * scale);
            energy += weights[2 * pair + 1]! * (simd!.sumOf(pair, 1) * scale);
          }
          want = { current: want.current + energy, filled: want.filled + n };
          i += n;
          if (want.filled === hop) {
            expected.push(want.current);
            want = { current: 0, filled: 0 };
          }
        }
      }
      simd!.end(expectedState, pairs);

      const state = initial.slice();
      simd!.begin(filter, FLOOR, state, pairs, channels * 2, { weights, scale, hop, current, filled });
      const got: number[] = [];
      for (let at = 0; at < 40_000; at += pieceFrames) {
        const frames = Math.min(pieceFrames, 40_000 - at);
        simd!.stage(bytesOf(ints.subarray(at * channels, (at + frames) * channels)));
        got.push(...simd!.measure(frames));
      }
      expect(simd!.subBlock()).toEqual(want);
      simd!.end(state, pairs);
      expect(expected.length).toBe(Math.floor((filled + 40_000) / hop));
      expect(got).toEqual(expected);
      expect([...state]).toEqual([...expectedState]);
    },
  );

  it("grows its memory for files with many channels", () => {
    const channels = 64;
    const ints = pcm(2000, channels, 3);
    const filter = kWeighting(44_100);
    const expected = someState(channels, 4);
    const state = expected.slice();
    const pairs = channels / 2;
    const pieceFrames = simd!.begin(filter, FLOOR, state, pairs, channels * 2);
    expect(pieceFrames).toBe(512);
    simd!.stage(bytesOf(ints.subarray(0, pieceFrames * channels)));
    for (let pair = 0; pair < pairs; pair++) simd!.run(pair, 0, pieceFrames);
    simd!.end(state, pairs);
    for (let c = 0; c < channels; c++) {
      kWeightedSumOfSquaresS16(ints, c, pieceFrames, channels, filter, expected, c * K_STATE_SIZE);
      flushSubnormals(expected, c * K_STATE_SIZE, FLOOR);
    }
    expect([...state]).toEqual([...expected]);
  });
});

describe("SimdKWeighting.gate", () => {
  const gates = { blockNorm: 1 / (4 * 4410), shortNorm: 1 / (30 * 4410), absolute: 10 ** (-69.309 / 10), relativeIntegrated: 0.1, relativeRange: 0.01 };

  /** Sub-block energies of a song with loud and quiet passages and silence, as a meter keeps them. */
  function energies(n: number, seed: number): Float64Array {
    const next = mulberry32(seed);
    return Float64Array.from({ length: n }, (_, k) => {
      const passage = Math.floor(k / 97) % 4;
      return passage === 3 ? 0 : 4410 * 10 ** ((passage === 0 ? -18 : passage === 1 ? -32 : -60) / 10) * (0.2 + next());
    });
  }

  it.each([0, 3, 4, 29, 30, 31, 61, 1800, 36_000])("gives what the JavaScript gives for %i sub-blocks, bit for bit", (n) => {
    const e = energies(n, n + 1);
    const got = simd!.gate(e, gates);
    const want = gateInJavaScript(e, gates);
    expect(got).toEqual(want);
    if (n >= 1800) {
      expect(want.integrated).toBeGreaterThan(0);
      expect(want.kept.length).toBeGreaterThan(100);
      expect(want.kept.length).toBeLessThan(n);
    }
  });

  it("gives nothing above the gates for silence", () => {
    const got = simd!.gate(new Float64Array(100), gates);
    expect(got).toEqual({ momentaryMax: 0, relative: 0, integrated: 0, shortTermMax: 0, rangeGate: 0, kept: new Float64Array(0) });
  });
});

describe("LoudnessMeter.addPcm with the SIMD kernel", () => {
  it.each([2, 3, 6])("with %i channels reads what measureLoudness reads on the decoded samples", (channels) => {
    const song = musicLike({ seconds: 8, sampleRate: 44_100, seed: 11 });
    const audio = { sampleRate: song.sampleRate, channels: Array.from({ length: channels }, (_, c) => song.channels[c % 2]!.map((x) => x * (1 - c / 10))) };
    const wav = encodeWav(audio, { bitDepth: 16 });
    const data = wav.subarray(44);
    const frames = data.length / (2 * channels);
    const decoded = Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => new DataView(data.buffer, data.byteOffset).getInt16((i * channels + c) * 2, true) / 32768));
    const expected = measureLoudness({ sampleRate: 44_100, channels: decoded });
    const meter = new LoudnessMeter(44_100, channels, frames);
    // In pieces of odd sizes, as a file arrives.
    for (let at = 0, k = 0; at < frames; k++) {
      const n = Math.min([70_001, 3, 10_000][k % 3]!, frames - at);
      meter.addPcm("s16", data.subarray(at * 2 * channels, (at + n) * 2 * channels), n, 2 * channels);
      at += n;
    }
    const got = meter.result();
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) expect(got[key]).toBeCloseTo(expected[key], 9);
  });
});
