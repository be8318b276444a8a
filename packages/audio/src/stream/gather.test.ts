import { describe, expect, it } from "vitest";
import { BlockGatherer } from "./gather";

describe("BlockGatherer", () => {
  it("keeps every sample of a large declared signal while its pages are mapped in beside it", () => {
    // 2 × 3M frames = 24 MB: above the size that is mapped in on another thread.
    const frames = 3_000_000;
    const gatherer = new BlockGatherer(2, frames);
    const block = [new Float32Array(4096), new Float32Array(4096)];
    for (let start = 0; start < frames; start += 4096) {
      const n = Math.min(4096, frames - start);
      for (let i = 0; i < n; i++) {
        block[0]![i] = Math.sin(start + i);
        block[1]![i] = -(start + i) / frames;
      }
      gatherer.add(block.map((c) => c.subarray(0, n)));
    }
    const audio = gatherer.audio(44_100);
    expect(audio.channels[0]!.length).toBe(frames);
    let wrong = 0;
    for (let i = 0; i < frames; i++) {
      if (audio.channels[0]![i] !== Math.fround(Math.sin(i)) || audio.channels[1]![i] !== Math.fround(-i / frames)) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it("grows when the length is not declared", () => {
    const gatherer = new BlockGatherer(1, null, 4);
    for (let k = 0; k < 5; k++) gatherer.add([Float32Array.of(k, k, k)]);
    expect([...gatherer.audio(8000).channels[0]!]).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  });
});
