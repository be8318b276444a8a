import { describe, expect, it } from "vitest";
import { musicLike } from "../analysis/test-signals";
import { AudioDecodeError } from "../errors";
import { openAudioStream } from "../stream/open-audio-stream";
import { encodeWav } from "../wav/wav-encoder";
import { chainSteps, type Effect, type EffectInput } from "./catalog";
import { pipelineSplit } from "./pipeline-split";
import { effectPreset, parseEffectChain } from "./presets";
import { renderEffectChain, type RenderOptions } from "./render";

/** The benchmark's chain: filters and a compressor, then the reverb, then a whole-signal normalize. */
const BENCH_CHAIN: EffectInput[] = [
  { type: "highpass", freq_hz: 80 },
  { type: "eq", bands: [{ kind: "peaking", freq_hz: 3000, gain_db: 3, q: 1 }] },
  { type: "compressor", threshold_db: -18, ratio: 3, attack_ms: 10, release_ms: 100, knee_db: 0 },
  { type: "reverb", room_size: 0.5 },
  { type: "normalize", mode: "peak", peak_db: -1 },
];

/** Every streaming effect once, then effects that need the whole signal. */
const EVERY_STREAMING: EffectInput[] = [
  { type: "fade_in", duration_s: 0.5 },
  { type: "gain", db: 2 },
  { type: "lowpass", freq_hz: 9000 },
  { type: "deesser", freq_hz: 6000, threshold_db: -30 },
  { type: "delay", time_ms: 90, feedback: 0.3 },
  { type: "chorus", voices: 2 },
  { type: "reverb", room_size: 0.8, wet: 0.3 },
  { type: "limiter", ceiling_db: -1 },
  { type: "fade_out", duration_s: 1 },
];

const file = encodeWav(musicLike({ seconds: 6, seed: 7 }), { bitDepth: 16 });

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  // 100 000 bytes is not a whole number of 4096-frame blocks, so decoded blocks straddle them.
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Renders the file and returns what the sink received, joined, with the progress reported. */
async function render(bytes: Uint8Array, chain: Effect[], pipeline: RenderOptions["pipeline"], byteLength: number | undefined = bytes.length) {
  const stream = await openAudioStream(chunks(bytes, 100_000), { format: "wav", byteLength });
  const pieces: Float32Array[][] = [];
  const progress: number[] = [];
  await renderEffectChain(stream, chain, (block, start, end) => void block.forEach((ch, c) => (pieces[c] ??= []).push(ch.slice(start, end))), {
    pipeline,
    onProgress: (f) => progress.push(f),
  });
  const channels = pieces.map((list) => {
    const all = new Float32Array(list.reduce((n, p) => n + p.length, 0));
    list.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    return all;
  });
  return { channels, progress };
}

/** The first frame whose bits differ, or -1 when the signals are identical (same length, same bits). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

// Each case renders the file several times, each time starting a worker through tsx: 2–7 s alone,
// 12–27 s in CI with every package's tests at once on two cores.
describe("renderEffectChain on two threads", { timeout: 120_000 }, () => {
  it.each([
    ["the benchmark chain", parseEffectChain(BENCH_CHAIN)],
    ["the vocal_polish preset", effectPreset("vocal_polish")],
    ["the lofi preset", effectPreset("lofi")],
    ["every streaming effect", parseEffectChain(EVERY_STREAMING)],
  ])("gives the same samples as one thread, wherever the chain is cut: %s", async (_label, chain) => {
    const one = await render(file, chain, "never");
    const streaming = chainSteps(chain).findIndex((s) => s.definition.kind === "whole");
    expect(streaming).toBeGreaterThan(1);
    for (let split = 1; split < streaming; split++) {
      const two = await render(file, chain, { split });
      expect(two.channels.length).toBe(one.channels.length);
      for (let c = 0; c < one.channels.length; c++) expect(firstDifference(two.channels[c]!, one.channels[c]!), `split ${split}, channel ${c}`).toBe(-1);
      // Progress only moves forward and ends at 1.
      expect(two.progress.every((f, i) => i === 0 || f >= two.progress[i - 1]!)).toBe(true);
      expect(two.progress.at(-1)).toBe(1);
    }
  });

  it("refuses a truncated file with the same error as one thread, and stops the worker", async () => {
    // Without the file size the decoder finds the truncation only at the end, with both stages running.
    const truncated = file.subarray(0, file.length - 10_000);
    const chain = parseEffectChain(BENCH_CHAIN);
    const one = await render(truncated, chain, "never", undefined).catch((e: unknown) => e);
    const two = await render(truncated, chain, { split: 3 }, undefined).catch((e: unknown) => e);
    expect(one).toBeInstanceOf(AudioDecodeError);
    expect(two).toBeInstanceOf(AudioDecodeError);
    expect((two as AudioDecodeError).code).toBe("CORRUPT_FILE");
    expect((two as Error).message).toBe((one as Error).message);
  });

  it("surfaces an effect's failure inside the worker as the same error", async () => {
    // Past the schema's bounds: only a caller that skips validation gets here, and the delay line
    // cannot be allocated.
    const chain = [...parseEffectChain([{ type: "gain", db: -1 }]), { type: "delay", time_ms: 1e12 } as Effect, ...parseEffectChain([{ type: "normalize" }])];
    const one = await render(file, chain, "never").catch((e: unknown) => e);
    const two = await render(file, chain, { split: 1 }).catch((e: unknown) => e);
    expect(one).toBeInstanceOf(RangeError);
    expect(two).toBeInstanceOf(RangeError);
    expect((two as Error).message).toBe((one as Error).message);
  });
});

describe("pipelineSplit", () => {
  const minutes = (m: number) => ({ format: "wav" as const, frames: m * 60 * 44_100, channels: 2 });

  it("puts the reverb of the benchmark chain on the worker for a three-minute file", () => {
    const prefix = parseEffectChain(BENCH_CHAIN).slice(0, 4);
    expect(pipelineSplit(prefix, minutes(3))).toBe(3);
  });

  it("keeps a short file, a single effect and a chain of cheap effects on one thread", () => {
    const prefix = parseEffectChain(BENCH_CHAIN).slice(0, 4);
    expect(pipelineSplit(prefix, minutes(0.25))).toBeNull();
    expect(pipelineSplit(parseEffectChain([{ type: "reverb" }]), minutes(10))).toBeNull();
    expect(pipelineSplit(parseEffectChain([{ type: "gain", db: 1 }, { type: "fade_in", duration_s: 1 }]), minutes(3))).toBeNull();
  });
});
