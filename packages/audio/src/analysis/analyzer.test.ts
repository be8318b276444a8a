import { describe, expect, it } from "vitest";
import { PeakAccumulator } from "../peaks";
import { type AudioBuffer } from "../types";
import { analyzeAudio } from "./analyze";
import { type AudioAnalysis, type AudioAnalyzerOptions, createAudioAnalyzer } from "./analyzer";
import { linearToDb } from "./decibels";
import { measureLoudness } from "./loudness";
import { musicLike, noise, random } from "./test-signals";
import { samplePeak, truePeak } from "./true-peak";

type Feed = { sizes: number[]; offset?: number; expected?: boolean; peakCount?: number };

/**
 * Streams `audio` through the analyzer as a decoder would: block sizes cycle through `sizes`,
 * copied into arrays reused between calls (at `offset`, passed as [start, end)) and scribbled over
 * after each call, so nothing may be kept by reference.
 */
function stream(audio: AudioBuffer, { sizes, offset = 0, expected = true, peakCount }: Feed): AudioAnalysis {
  const frames = audio.channels[0]?.length ?? 0;
  const opts: AudioAnalyzerOptions = { sampleRate: audio.sampleRate, channels: audio.channels.length, peakCount };
  if (expected) opts.expectedFrames = frames;
  const analyzer = createAudioAnalyzer(opts);
  const capacity = offset + Math.max(...sizes) + (offset > 0 ? 5 : 0);
  const block = audio.channels.map(() => new Float32Array(capacity));
  for (let start = 0, k = 0; start < frames; k++) {
    const n = Math.min(sizes[k % sizes.length]!, frames - start);
    for (let c = 0; c < block.length; c++) block[c]!.set(audio.channels[c]!.subarray(start, start + n), offset);
    if (offset === 0 && n === capacity) analyzer.add(block);
    else analyzer.add(block, offset, offset + n);
    for (const x of block) x.fill(7);
    start += n;
  }
  return analyzer.result();
}

const EXACT = ["durationSec", "sampleRate", "channels", "frames", "peakDbfs", "truePeakDbtp", "clippedSamples"] as const;
/** Sums split differently by block boundaries: equal up to float64 rounding. */
const SUMMED = ["rmsDbfs", "integratedLufs", "loudnessRangeLu", "momentaryMaxLufs", "shortTermMaxLufs"] as const;

function expectSameAnalysis(got: AudioAnalysis, want: AudioAnalysis, { peaks = true } = {}) {
  for (const key of EXACT) expect(got[key], key).toBe(want[key]);
  for (const key of SUMMED) {
    if (!Number.isFinite(want[key]) || want[key] === 0) expect(got[key], key).toBe(want[key]);
    else expect(Math.abs(got[key] - want[key]) / Math.abs(want[key]), key).toBeLessThan(1e-9);
  }
  if (peaks) expect(got.peaks).toEqual(want.peaks);
}

/** Independent references: the whole-buffer true peak (pruned two-pass), sample peak and loudness. */
function expectMatchesReferences(got: AudioAnalysis, audio: AudioBuffer) {
  expect(got.truePeakDbtp).toBe(linearToDb(truePeak(audio)));
  expect(got.peakDbfs).toBe(linearToDb(samplePeak(audio)));
  const loudness = measureLoudness(audio);
  for (const key of ["integratedLufs", "loudnessRangeLu", "momentaryMaxLufs", "shortTermMaxLufs"] as const) {
    if (!Number.isFinite(loudness[key]) || loudness[key] === 0) expect(got[key], key).toBe(loudness[key]);
    else expect(Math.abs(got[key] - loudness[key]) / Math.abs(loudness[key]), key).toBeLessThan(1e-9);
  }
}

/** Pseudo-random block sizes from 1 to 9000 frames, with runs of tiny blocks. */
function unevenSizes(seed: number, count = 64): number[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, i) => (i % 5 < 2 ? 1 + Math.floor(rnd() * 12) : 1 + Math.floor(rnd() * 9000)));
}

const BLOCKINGS: { name: string; feed: Feed }[] = [
  { name: "4096-frame blocks", feed: { sizes: [4096] } },
  { name: "131072-frame blocks", feed: { sizes: [131_072] } },
  { name: "7-frame blocks", feed: { sizes: [7] } },
  { name: "uneven blocks at an offset in the arrays", feed: { sizes: unevenSizes(1), offset: 3 } },
  { name: "a mix of 1, 7, 4096 and 131072 frames", feed: { sizes: [1, 131_072, 7, 4096, 1, 1, 63, 65] } },
];

describe("createAudioAnalyzer gives analyzeAudio's numbers whatever the blocks", () => {
  const signals: { name: string; make: () => AudioBuffer }[] = [
    { name: "music-like, loud drums", make: () => musicLike({ seconds: 8, seed: 5, drumsDb: 6, gainDb: -2 }) },
    { name: "full-scale noise", make: () => noise(4, 1, 3) },
    { name: "silence", make: () => ({ sampleRate: 44_100, channels: [new Float32Array(150_000), new Float32Array(150_000)] }) },
    { name: "mono music at 48 kHz", make: () => ({ sampleRate: 48_000, channels: [musicLike({ seconds: 5, seed: 6, sampleRate: 48_000 }).channels[0]!] }) },
    { name: "6 channels (5.1) of noise", make: () => noise(3.5, 0.4, 8, 44_100, 6) },
  ];

  for (const { name, make } of signals) {
    describe(name, () => {
      const audio = make();
      const whole = analyzeAudio(audio);

      it("matches the whole-buffer references (two-pass true peak, loudness meter)", () => {
        expectMatchesReferences(whole, audio);
      });

      it.each(BLOCKINGS)("$name", ({ feed }) => {
        expectSameAnalysis(stream(audio, feed), whole);
      });
    });
  }

  it("1-frame blocks: the same true peak, loudness and waveform", () => {
    const audio = musicLike({ seconds: 3.5, seed: 7, drumsDb: 8 });
    expectSameAnalysis(stream(audio, { sizes: [1], peakCount: 300 }), analyzeAudio(audio, { peakCount: 300 }));
  });

  it("at 96 kHz (2× oversampling) and 192 kHz (sample peak only)", () => {
    for (const sampleRate of [96_000, 192_000]) {
      const audio = musicLike({ seconds: 3, seed: 2, sampleRate, drumsDb: 6 });
      const got = stream(audio, { sizes: unevenSizes(sampleRate) });
      expectSameAnalysis(got, analyzeAudio(audio));
      expectMatchesReferences(got, audio);
    }
  });
});

describe("true peak across block boundaries", () => {
  /** A burst at fs/4 sampled 45° off its crest: samples at ±0.707 (-3 dBFS), true peak at 0 dBTP. */
  function burstAt(centre: number, frames = 20_000): AudioBuffer {
    const x = new Float32Array(frames);
    for (let i = centre - 24; i < centre + 24; i++) x[i] = Math.sin((Math.PI / 2) * i + Math.PI / 4) * (1 - Math.abs(i - centre) / 48);
    return { sampleRate: 44_100, channels: [x, new Float32Array(frames)] };
  }

  it.each([4090, 4096, 4100, 8192])("an inter-sample peak at frame %i, fed in 4096-frame blocks, reads 3 dB over the samples", (centre) => {
    const audio = burstAt(centre);
    const got = stream(audio, { sizes: [4096] });
    expect(got.truePeakDbtp).toBe(linearToDb(truePeak(audio)));
    expect(got.truePeakDbtp).toBe(analyzeAudio(audio).truePeakDbtp);
    expect(got.truePeakDbtp - got.peakDbfs).toBeGreaterThan(2.5);
  });

  it("the same with blocks that end right under the peak (1 to 12 frames before and after it)", () => {
    const audio = burstAt(5000);
    const want = linearToDb(truePeak(audio));
    for (let cut = 4988; cut <= 5012; cut++) expect(stream(audio, { sizes: [cut, 3, 11, 20_000] }).truePeakDbtp, `cut at ${cut}`).toBe(want);
  });

  it("a single click: the same wherever it falls, including the first 5 and last 6 samples", () => {
    const frames = 10_000;
    for (const at of [0, 3, 5, 4095, 4096, 4101, frames - 7, frames - 6, frames - 1]) {
      const x = new Float32Array(frames);
      x[at] = -0.9;
      x[at + 1 < frames ? at + 1 : at - 1] = 0.6;
      const audio = { sampleRate: 44_100, channels: [x] };
      const whole = analyzeAudio(audio);
      expect(whole.truePeakDbtp).toBe(linearToDb(truePeak(audio)));
      for (const feed of [{ sizes: [4096] }, { sizes: [1] }, { sizes: [7, 4090] }]) expectSameAnalysis(stream(audio, feed), whole);
    }
  });

  it("a buffer shorter than the filter (1 to 14 frames) in 1-frame blocks", () => {
    for (let n = 1; n <= 14; n++) {
      const x = Float32Array.from({ length: n }, (_, i) => (i % 2 ? 0.7 : -0.7));
      const audio = { sampleRate: 44_100, channels: [x] };
      expectSameAnalysis(stream(audio, { sizes: [1] }), analyzeAudio(audio));
    }
  });
});

describe("createAudioAnalyzer without a known length", () => {
  it("gives the same levels, and the waveform of PeakAccumulator's unknown-length mode", () => {
    const audio = musicLike({ seconds: 6, seed: 11 });
    const got = stream(audio, { sizes: unevenSizes(4), expected: false, peakCount: 200 });
    expectSameAnalysis(got, analyzeAudio(audio, { peakCount: 200 }), { peaks: false });
    const peaks = new PeakAccumulator(200, null);
    peaks.add(audio.channels);
    expect(got.peaks).toEqual(peaks.result());
  });

  it("result() in the middle of the stream measures what has arrived so far", () => {
    const audio = musicLike({ seconds: 6, seed: 12 });
    const analyzer = createAudioAnalyzer({ sampleRate: 44_100, channels: 2 });
    const cut = 150_001;
    analyzer.add(audio.channels, 0, cut);
    const prefix = { sampleRate: 44_100, channels: audio.channels.map((x) => x.slice(0, cut)) };
    expectSameAnalysis(analyzer.result(), analyzeAudio(prefix), { peaks: false });
    analyzer.add(audio.channels, cut, audio.channels[0]!.length);
    expectSameAnalysis(analyzer.result(), analyzeAudio(audio), { peaks: false });
  });
});

describe("createAudioAnalyzer contract", () => {
  it("reports progress in order, below 1 while frames arrive, then 1", () => {
    const audio = noise(3, 0.5, 1);
    const seen: number[] = [];
    const analyzer = createAudioAnalyzer({ sampleRate: 44_100, channels: 2, expectedFrames: audio.channels[0]!.length, onProgress: (f) => seen.push(f) });
    for (let start = 0; start < audio.channels[0]!.length; start += 1000) analyzer.add(audio.channels, start, Math.min(audio.channels[0]!.length, start + 1000));
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.slice(0, -1).every((f) => f < 1)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    analyzer.result();
    expect(seen.at(-1)).toBe(1);
  });

  it("refuses a wrong channel count, a bad range, and more or fewer frames than declared", () => {
    const x = new Float32Array(100);
    const analyzer = createAudioAnalyzer({ sampleRate: 44_100, channels: 2, expectedFrames: 150 });
    expect(() => analyzer.add([x])).toThrow(RangeError);
    expect(() => analyzer.add([x, x], 10, 5)).toThrow(RangeError);
    expect(() => analyzer.add([x, x], 0, 101)).toThrow(RangeError);
    analyzer.add([x, x]);
    expect(() => analyzer.result()).toThrow(RangeError);
    expect(() => analyzer.add([x, x])).toThrow(RangeError);
    analyzer.add([x, x], 0, 50);
    expect(analyzer.result().frames).toBe(150);
    expect(() => createAudioAnalyzer({ sampleRate: 44_100, channels: 2, peakCount: 0 })).toThrow(RangeError);
  });

  it("no channels or no frames: -Infinity levels, no NaN", () => {
    for (const channels of [0, 2]) {
      const analyzer = createAudioAnalyzer({ sampleRate: 44_100, channels });
      analyzer.add(Array.from({ length: channels }, () => new Float32Array(0)));
      const r = analyzer.result();
      expect(r).toMatchObject({ frames: 0, peakDbfs: -Infinity, truePeakDbtp: -Infinity, rmsDbfs: -Infinity, integratedLufs: -Infinity, loudnessRangeLu: 0 });
      expect(r.peaks.count).toBe(0);
    }
  });
});
