import { describe, expect, it } from "vitest";
import { fastExp2, log2FromFloat32Bits, staticReductionDb } from "./gain-computer";

describe("table log2 and exp2", () => {
  it("log2 of float32 values from −140 dBFS to +60 dBFS is within 1e-7 of Math.log2 (under 1e-6 dB)", () => {
    const f = new Float32Array(1);
    const bits = new Int32Array(f.buffer);
    let worst = 0;
    for (let k = 0; k < 200_000; k++) {
      f[0] = 10 ** (-7 + (10 * k) / 200_000);
      worst = Math.max(worst, Math.abs(log2FromFloat32Bits(bits[0]!) - Math.log2(f[0]!)));
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it("exp2 from −100 to +30 is within a relative 1e-9 of 2^x", () => {
    let worst = 0;
    for (let k = 0; k <= 200_000; k++) {
      const x = -100 + (130 * k) / 200_000;
      worst = Math.max(worst, Math.abs(fastExp2(x) / 2 ** x - 1));
    }
    expect(worst).toBeLessThan(1e-9);
    expect(fastExp2(0)).toBe(1);
    expect(fastExp2(-1e9)).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(fastExp2(1e9))).toBe(true);
  });
});

describe("static curve", () => {
  it("hard knee: 12 dB over at 3:1 is 8 dB of reduction; nothing below the threshold", () => {
    expect(staticReductionDb(-6, -18, 3, 0)).toBeCloseTo(8, 10);
    expect(staticReductionDb(-18.01, -18, 3, 0)).toBe(0);
  });

  it("soft knee: a quarter of the knee at the threshold, continuous at both ends of the knee", () => {
    // At the threshold the knee's quadratic gives slope·(W/2)²/(2W) = slope·W/8.
    expect(staticReductionDb(-18, -18, 3, 6)).toBeCloseTo(((2 / 3) * 6) / 8, 10);
    expect(staticReductionDb(-15 - 1e-9, -18, 3, 6)).toBeCloseTo(staticReductionDb(-15 + 1e-9, -18, 3, 6), 6);
    expect(staticReductionDb(-21 + 1e-9, -18, 3, 6)).toBeCloseTo(0, 6);
  });
});
