import { describe, expect, it } from "vitest";
import { openAudioStream } from "../stream/open-audio-stream";
import { encodeWav } from "../wav/wav-encoder";
import { decodeAudio } from "../decode";
import { runEffectChain, type Effect } from "./catalog";
import { parseEffectChain } from "./presets";
import { renderEffectChain, type RenderOptions, type SpillStore } from "./render";

/** A stereo test file: a chord in both channels, phase-shifted in the right one. */
function wavFile(seconds: number): Uint8Array {
  const frames = Math.round(seconds * 44_100);
  const channels = [0, 1].map((ch) => Float32Array.from({ length: frames }, (_, i) => 0.3 * Math.sin(0.031 * i + ch) + 0.2 * Math.sin(0.0071 * i)));
  return encodeWav({ sampleRate: 44_100, channels }, { bitDepth: 16 });
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** A spill store in memory that counts what goes through it. */
function memorySpill(): SpillStore & { bytesWritten: number; bytesRead: number } {
  let data = new Uint8Array(1 << 16);
  let end = 0;
  const store = {
    bytesWritten: 0,
    bytesRead: 0,
    write(bytes: Uint8Array) {
      if (end + bytes.length > data.length) {
        const grown = new Uint8Array(Math.max(2 * data.length, end + bytes.length));
        grown.set(data.subarray(0, end));
        data = grown;
      }
      data.set(bytes, end);
      end += bytes.length;
      store.bytesWritten += bytes.length;
    },
    read(into: Uint8Array, position: number) {
      const n = Math.max(0, Math.min(into.length, end - position));
      into.set(data.subarray(position, position + n));
      store.bytesRead += n;
      return n;
    },
  };
  return store;
}

/** Renders through the streaming path and collects what the sink receives. */
async function render(bytes: Uint8Array, chain: Effect[], opts: RenderOptions = {}): Promise<Float32Array[]> {
  const stream = await openAudioStream(chunks(bytes, 100_000), { format: "wav", byteLength: bytes.length });
  const out: Float32Array[][] = [];
  let progress = 0;
  const frames = await renderEffectChain(
    stream,
    chain,
    (block, start, end) => {
      block.forEach((ch, c) => (out[c] ??= []).push(ch.slice(start, end)));
    },
    { ...opts, onProgress: (f) => (progress = Math.max(progress, f)) },
  );
  expect(progress).toBe(1);
  const joined = out.map((pieces) => {
    const all = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
    pieces.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    return all;
  });
  expect(joined[0]!.length).toBe(frames);
  return joined;
}

describe("renderEffectChain", () => {
  const bytes = wavFile(3);

  it.each([
    ["streaming effects only", [{ type: "highpass", freq_hz: 120 }, { type: "compressor", threshold_db: -20 }, { type: "reverb", wet: 0.2 }]],
    ["a whole-signal effect in the middle", [{ type: "gain", db: -3 }, { type: "normalize", peak_db: -1 }, { type: "delay", time_ms: 120 }]],
    ["a fade in longer than a decoded block", [{ type: "fade_in", duration_s: 1.5 }, { type: "normalize", peak_db: -1 }]],
    ["effects that change the length and the channels", [{ type: "trim", start_s: 0.5 }, { type: "channels", mode: "mono" }, { type: "fade_out", duration_s: 0.5 }]],
    ["no effect at all", []],
  ])("gives the same samples as running the chain on the whole file: %s", async (_label, chain) => {
    const effects = chain.length === 0 ? [] : parseEffectChain(chain);
    const whole = runEffectChain(await decodeAudio(bytes, "wav"), effects);
    const streamed = await render(bytes, effects);
    expect(streamed.length).toBe(whole.channels.length);
    // Where the two first differ, rather than a diff of whole signals, which takes minutes to print.
    for (let c = 0; c < streamed.length; c++) {
      const [a, b] = [streamed[c]!, whole.channels[c]!];
      expect({ channel: c, frames: a.length, firstDifference: a.findIndex((v, i) => !Object.is(v, b[i])) }).toEqual({
        channel: c,
        frames: b.length,
        firstDifference: -1,
      });
    }
  });

  const silence = encodeWav({ sampleRate: 44_100, channels: [new Float32Array(50_000), new Float32Array(50_000)] });

  it.each<[string, unknown[], boolean, Uint8Array?]>([
    ["a chain then a peak normalize", [{ type: "highpass", freq_hz: 120 }, { type: "compressor", threshold_db: -20 }, { type: "reverb", wet: 0.2 }, { type: "normalize", peak_db: -1 }], true],
    ["a peak normalize alone", [{ type: "normalize", peak_db: -3 }], true],
    ["a true-peak normalize (held in memory)", [{ type: "gain", db: -3 }, { type: "normalize", peak_db: -1, true_peak: true }], false],
    ["a normalize with an effect after it (held in memory)", [{ type: "normalize", peak_db: -1 }, { type: "delay", time_ms: 120 }], false],
    ["silence, which a peak normalize leaves alone", [{ type: "normalize", peak_db: -1 }], true, silence],
  ])("with a spill store gives the same samples as without: %s", async (_label, chain, spills, file = bytes) => {
    const effects = parseEffectChain(chain);
    const spill = memorySpill();
    const inMemory = await render(file, effects);
    const spilled = await render(file, effects, { spill });
    expect(spilled.map((x) => x.length)).toEqual(inMemory.map((x) => x.length));
    for (let c = 0; c < spilled.length; c++) expect(spilled[c]!.findIndex((v, i) => !Object.is(v, inMemory[c]![i]))).toBe(-1);
    // The whole processed signal went out and came back, once.
    const bytesOfSignal = 4 * inMemory.length * inMemory[0]!.length;
    expect({ written: spill.bytesWritten, read: spill.bytesRead }).toEqual(spills ? { written: bytesOfSignal, read: bytesOfSignal } : { written: 0, read: 0 });
  });

  it("reports a spill store that gives back less than it took", async () => {
    const spill = memorySpill();
    const lossy: SpillStore = { write: (b) => spill.write(b.subarray(0, b.length - 4)), read: (into, at) => spill.read(into, at) };
    await expect(render(bytes, parseEffectChain([{ type: "normalize", peak_db: -1 }]), { spill: lossy })).rejects.toThrow(/came back short/);
  });
});
