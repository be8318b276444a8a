import { describe, expect, it } from "vitest";
import { openAudioStream } from "../stream/open-audio-stream";
import { encodeWav } from "../wav/wav-encoder";
import { decodeAudio } from "../decode";
import { runEffectChain, type Effect } from "./catalog";
import { parseEffectChain } from "./presets";
import { renderEffectChain } from "./render";

/** A stereo test file: a chord in both channels, phase-shifted in the right one. */
function wavFile(seconds: number): Uint8Array {
  const frames = Math.round(seconds * 44_100);
  const channels = [0, 1].map((ch) => Float32Array.from({ length: frames }, (_, i) => 0.3 * Math.sin(0.031 * i + ch) + 0.2 * Math.sin(0.0071 * i)));
  return encodeWav({ sampleRate: 44_100, channels }, { bitDepth: 16 });
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Renders through the streaming path and collects what the sink receives. */
async function render(bytes: Uint8Array, chain: Effect[]): Promise<Float32Array[]> {
  const stream = await openAudioStream(chunks(bytes, 100_000), { format: "wav", byteLength: bytes.length });
  const out: Float32Array[][] = [];
  let progress = 0;
  const frames = await renderEffectChain(
    stream,
    chain,
    (block, start, end) => {
      block.forEach((ch, c) => (out[c] ??= []).push(ch.slice(start, end)));
    },
    { onProgress: (f) => (progress = Math.max(progress, f)) },
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
});
