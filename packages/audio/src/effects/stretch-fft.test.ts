import { describe, expect, it } from "vitest";
import { createFft } from "./stretch-fft";

function naiveDft(re: Float64Array, im: Float64Array, k: number): [number, number] {
  const n = re.length;
  let sr = 0;
  let si = 0;
  for (let t = 0; t < n; t++) {
    const a = (-2 * Math.PI * k * t) / n;
    sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
    si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
  }
  return [sr, si];
}

describe("createFft", () => {
  it.each([4, 8, 32, 512, 2048, 4096])("matches the DFT and inverts exactly at size %i", (n) => {
    const fft = createFft(n);
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11));
    const re0 = re.slice();
    const im0 = im.slice();
    fft.forward(re, im);
    for (const k of [0, 1, 3, n / 2, n - 1]) {
      const [sr, si] = naiveDft(re0, im0, k);
      expect(Math.abs(re[k]! - sr)).toBeLessThan(1e-9 * n);
      expect(Math.abs(im[k]! - si)).toBeLessThan(1e-9 * n);
    }
    fft.inverse(re, im);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(re[i]! / n - re0[i]!)).toBeLessThan(1e-12);
      expect(Math.abs(im[i]! / n - im0[i]!)).toBeLessThan(1e-12);
    }
  });

  it("refuses sizes that are not powers of two", () => {
    expect(() => createFft(1000)).toThrow(RangeError);
  });
});
