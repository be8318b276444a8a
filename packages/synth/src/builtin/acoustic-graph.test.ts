import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { GraphBuilder } from "../onnx/graph";
import { opsFor } from "../onnx/ops";
import { buildAcousticModel, lengthRegulator } from "./acoustic-graph";
import { phonemeId, formantTargets } from "./formants";
import { hzToBin, LN_MEL_FLOOR, NUM_MEL_BINS } from "./mel";
import { localMaxima } from "./test-support";

const i64 = (values: number[], dims = [1, values.length]) => new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), dims);

let acoustic: ort.InferenceSession;
beforeAll(async () => {
  acoustic = await ort.InferenceSession.create(buildAcousticModel());
});

async function sing(phonemes: string[], durations: number[], hz: number | ((t: number) => number) = 220) {
  const frames = durations.reduce((a, b) => a + b, 0);
  const f0 = Float32Array.from({ length: frames }, (_, t) => (typeof hz === "number" ? hz : hz(t)));
  const out = await acoustic.run({
    tokens: i64(phonemes.map(phonemeId)),
    durations: i64(durations),
    f0: new ort.Tensor("float32", f0, [1, frames]),
    speedup: i64([10], []),
  });
  const mel = out.mel!;
  return { dims: mel.dims, frame: (t: number) => (mel.data as Float32Array).subarray(t * NUM_MEL_BINS, (t + 1) * NUM_MEL_BINS) };
}

/** The strongest local maximum of a mel frame within ±tolerance bins of `bin`. */
function peakNear(frame: Float32Array, bin: number, tolerance: number): number | undefined {
  const near = localMaxima(frame).filter((i) => Math.abs(i - bin) <= tolerance);
  return near.sort((a, b) => (frame[b] as number) - (frame[a] as number))[0];
}

describe("length regulator", () => {
  async function tokenOfFrame(durations: number[], frames: number) {
    const g = new GraphBuilder("regulator");
    const o = opsFor(g);
    const d = g.input("durations", "int64", ["N"]);
    const f0 = g.input("f0", "float32", ["T"]);
    const { tokenOfFrame: index, position } = lengthRegulator(g, o, d, o.dim(f0, 0));
    g.output(index, "index", "int64", ["T"]);
    g.output(position, "position", "float32", ["T"]);
    const session = await ort.InferenceSession.create(g.encode());
    const out = await session.run({
      durations: new ort.Tensor("int64", BigInt64Array.from(durations.map(BigInt)), [durations.length]),
      f0: new ort.Tensor("float32", new Float32Array(frames), [frames]),
    });
    return { index: Array.from(out.index!.data as BigInt64Array, Number), position: Array.from(out.position!.data as Float32Array) };
  }

  it("puts every token boundary exactly at the cumulative durations", async () => {
    const { index } = await tokenOfFrame([3, 1, 4, 2], 10);
    expect(index).toEqual([0, 0, 0, 1, 2, 2, 2, 2, 3, 3]);
  });

  it("skips zero-length tokens, even at the start and the end", async () => {
    const { index } = await tokenOfFrame([0, 2, 0, 0, 3, 0], 5);
    expect(index).toEqual([1, 1, 4, 4, 4]);
  });

  it("gives each frame its position inside the token, centred on the frame", async () => {
    const { position } = await tokenOfFrame([4], 4);
    expect(position).toEqual([0.125, 0.375, 0.625, 0.875]);
  });

  it("holds the last token when f0 is longer than the durations add up to", async () => {
    const { index } = await tokenOfFrame([2, 2], 6);
    expect(index).toEqual([0, 0, 1, 1, 1, 1]);
  });
});

describe("acoustic model", () => {
  it("outputs mel [1, T, 128] for T = the sum of the durations", async () => {
    const { dims } = await sing(["SP", "aa", "SP"], [5, 20, 7]);
    expect(dims).toEqual([1, 32, 128]);
  });

  it("sings /aa/ held for 50 frames with mel peaks at the table's F1 and F2 bins", async () => {
    const { frame } = await sing(["aa"], [50]);
    const [f1, f2] = formantTargets("aa") as [number, number];
    for (const t of [10, 25, 40]) {
      expect(peakNear(frame(t), hzToBin(f1), 1.5), `F1 at frame ${t}`).toBeDefined();
      expect(peakNear(frame(t), hzToBin(f2), 1.5), `F2 at frame ${t}`).toBeDefined();
    }
  });

  it("keeps silence at DiffSinger's mel floor and makes a vowel much louder", async () => {
    const { frame } = await sing(["SP", "aa", "SP"], [20, 20, 20]);
    expect(Math.max(...frame(2))).toBeCloseTo(LN_MEL_FLOOR, 1);
    expect(Math.max(...frame(30))).toBeGreaterThan(LN_MEL_FLOOR + 8);
  });

  it("glides a diphthong: /ay/ starts with F2 near /aa/'s and ends near /ih/'s", async () => {
    const { frame } = await sing(["ay"], [60]);
    const f2Of = (t: number) => {
      const f = frame(t);
      const peaks = localMaxima(f).filter((i) => i > hzToBin(1200) && i < hzToBin(2800));
      return peaks.sort((a, b) => (f[b] as number) - (f[a] as number))[0] as number;
    };
    expect(Math.abs(f2Of(4) - hzToBin(formantTargets("aa")[1] as number))).toBeLessThanOrEqual(2);
    expect(Math.abs(f2Of(56) - hzToBin(formantTargets("ih")[1] as number))).toBeLessThanOrEqual(2);
  });

  it("smooths phoneme changes over a few frames instead of jumping", async () => {
    const { frame } = await sing(["iy", "aa"], [30, 30]);
    const bin = Math.round(hzToBin(formantTargets("aa")[0] as number));
    const at = (t: number) => frame(t)[bin] as number;
    // Halfway around the boundary, strictly between the two held values.
    expect(at(30)).toBeGreaterThan(Math.min(at(20), at(40)) + 0.1);
    expect(at(30)).toBeLessThan(Math.max(at(20), at(40)) - 0.1);
    expect(at(26)).toBeCloseTo(at(20), 3);
  });

  it("keeps a voiceless fricative's low band near the floor so the vocoder does not voice it", async () => {
    const { frame } = await sing(["s"], [30]);
    const f = frame(15);
    const low = Math.max(...f.subarray(0, Math.round(hzToBin(700))));
    const high = Math.max(...f.subarray(Math.round(hzToBin(4000)), Math.round(hzToBin(9000))));
    expect(high - low).toBeGreaterThan(5);
  });

  it("raises bins wider than the pitch for a low voice, as a real mel of dense harmonics reads", async () => {
    const high = (await sing(["aa"], [20], 400)).frame(10);
    const low = (await sing(["aa"], [20], 100)).frame(10);
    const bin = Math.round(hzToBin(5000));
    expect((low[bin] as number) - (high[bin] as number)).toBeGreaterThan(0.3);
    expect(low[Math.round(hzToBin(500))]).toBeCloseTo(high[Math.round(hzToBin(500))] as number, 4);
  });
});
