import { describe, expect, it } from "vitest";
import { PeakAccumulator } from "./peaks";

/** A ramp from -1 to 1 with a spike every 1000 frames, fed in blocks of `size` frames over 2 channels. */
function feed(acc: PeakAccumulator, frames: number, size: number) {
  for (let start = 0; start < frames; start += size) {
    const n = Math.min(size, frames - start);
    const left = new Float32Array(n);
    const right = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = start + i;
      left[i] = -1 + (2 * t) / frames;
      right[i] = t % 1000 === 0 ? 0.9 : 0;
    }
    acc.add([left, right]);
  }
  return acc.result();
}

describe("PeakAccumulator", () => {
  it("is exact with a known length, whatever the block size", () => {
    const reference = feed(new PeakAccumulator(100, 123_457), 123_457, 123_457);
    expect(reference.count).toBe(100);
    expect(reference.min[0]).toBe(-1);
    expect(reference.max[99]).toBeCloseTo(1, 3);
    for (const size of [1, 7, 256, 4096]) expect(feed(new PeakAccumulator(100, 123_457), 123_457, size)).toEqual(reference);
  });

  it("with an unknown length, stays within a fraction of a bucket of the exact result", () => {
    const exact = feed(new PeakAccumulator(100, 500_001), 500_001, 4096);
    const merged = feed(new PeakAccumulator(100, null), 500_001, 4096);
    expect(merged.count).toBe(100);
    // A bucket spans 0.02 of the ramp; merged bins widen it by at most a quarter of that.
    for (let j = 0; j < 100; j++) {
      expect(Math.abs(merged.min[j]! - exact.min[j]!)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(merged.max[j]! - exact.max[j]!)).toBeLessThanOrEqual(0.005);
    }
    expect(feed(new PeakAccumulator(100, null), 500_001, 333)).toEqual(merged);
  });

  it("is exact with an unknown length while the file is short", () => {
    expect(feed(new PeakAccumulator(50, null), 400, 3)).toEqual(feed(new PeakAccumulator(50, 400), 400, 400));
  });
});
