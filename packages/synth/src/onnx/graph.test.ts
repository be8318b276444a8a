import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { decodeModel, float, GraphBuilder, IR_VERSION, OPSET_VERSION, tensorAttr } from "./graph";

const f32 = (data: number[], dims: number[]) => new ort.Tensor("float32", Float32Array.from(data), dims);

async function run(g: GraphBuilder, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(g.encode());
  return { session, out: await session.run(feeds) };
}

describe("GraphBuilder", () => {
  it("encodes a model with IR 8 and opset 17 whose inputs, outputs and initializers decode back", () => {
    const g = new GraphBuilder("roundtrip");
    const x = g.input("x", "float32", [1, "T"]);
    g.output(g.op("Mul", [x, g.float(2)]), "y", "float32", [1, "T"]);
    const model = decodeModel(g.encode());
    expect(Number(model.irVersion)).toBe(IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", OPSET_VERSION]]);
    const graph = model.graph!;
    expect(graph.input!.map((i) => i.name)).toEqual(["x"]);
    expect(graph.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([1, "T"]);
    expect(graph.output!.map((o) => o.name)).toEqual(["y"]);
    expect(graph.initializer).toHaveLength(1);
    expect(Array.from(new Float32Array(Uint8Array.from(graph.initializer![0]!.rawData!).buffer))).toEqual([2]);
  });

  it("runs in onnxruntime with symbolic dims: the same model serves any length", async () => {
    const g = new GraphBuilder("scale");
    const f0 = g.input("f0", "float32", [1, "T"]);
    g.output(g.op("Add", [g.op("Mul", [f0, g.float(2)]), g.float([10, 20, 30], [1, 3])]), "out", "float32", [1, 3]);
    const { out } = await run(g, { f0: f32([1, 2, 3], [1, 3]) });
    expect(Array.from(out.out!.data as Float32Array)).toEqual([12, 24, 36]);
  });

  it("stores int64 constants from number lists and BigInt64Array, and uses them as indices", async () => {
    const g = new GraphBuilder("gather");
    const x = g.input("x", "float32", [4]);
    const picked = g.op("Gather", [x, g.int64([3, 0])], { axis: 0 });
    const again = g.op("Gather", [picked, g.const(new BigInt64Array([1n]))], { axis: 0 });
    g.output(picked, "picked", "float32", [2]);
    g.output(again, "again", "float32", [1]);
    const { out } = await run(g, { x: f32([5, 6, 7, 8], [4]) });
    expect(Array.from(out.picked!.data as Float32Array)).toEqual([8, 5]);
    expect(Array.from(out.again!.data as Float32Array)).toEqual([5]);
  });

  it("writes int, int-list, float, string and tensor attributes the runtime accepts", async () => {
    const g = new GraphBuilder("attrs");
    const x = g.input("x", "float32", [1, 4]);
    const leaky = g.op("LeakyRelu", [x], { alpha: float(0.5) });
    const padded = g.op("Pad", [leaky, g.int64([0, 1, 0, 1])], { mode: "edge" });
    const summed = g.op("ReduceSum", [padded, g.int64([1])], { keepdims: 0 });
    const filled = g.op("ConstantOfShape", [g.int64([2])], { value: tensorAttr(new Float32Array([7]), [1]) });
    const moved = g.op("Transpose", [g.op("Unsqueeze", [padded, g.int64([2])])], { perm: [2, 0, 1] });
    g.output(summed, "sum", "float32", [1]);
    g.output(filled, "filled", "float32", [2]);
    g.output(moved, "moved", "float32", [1, 1, 6]);
    const { out } = await run(g, { x: f32([-2, 1, 2, 3], [1, 4]) });
    // leaky: [-1, 1, 2, 3]; edge pad: [-1, -1, 1, 2, 3, 3]
    expect(Array.from(out.sum!.data as Float32Array)).toEqual([7]);
    expect(Array.from(out.filled!.data as Float32Array)).toEqual([7, 7]);
    expect(out.moved!.dims).toEqual([1, 1, 6]);
  });

  it("gives nodes with several outputs distinct names", async () => {
    const g = new GraphBuilder("split");
    const x = g.input("x", "float32", [4]);
    const [a, b] = g.ops("Split", [x, g.int64([1, 3])], 2, { axis: 0 });
    g.output(a!, "a", "float32", [1]);
    g.output(b!, "b", "float32", [3]);
    const { out } = await run(g, { x: f32([1, 2, 3, 4], [4]) });
    expect(Array.from(out.a!.data as Float32Array)).toEqual([1]);
    expect(Array.from(out.b!.data as Float32Array)).toEqual([2, 3, 4]);
  });

  it("keeps fresh names unique, even next to a user's name that looks generated", () => {
    const g = new GraphBuilder("names");
    g.input("Mul_0", "float32", [1]);
    const names = [g.fresh("Mul"), g.fresh("Mul"), g.fresh("Add")];
    expect(names).not.toContain("Mul_0");
    expect(new Set(names).size).toBe(3);
  });

  it("rejects mistakes early with messages that name the problem", () => {
    const g = new GraphBuilder("errors");
    g.input("x", "float32", [1]);
    expect(() => g.input("x", "float32", [1])).toThrow(/"x" is already used/);
    expect(() => g.const(new Float32Array(3), [2, 2])).toThrow(/3 values do not fill dims \[2, 2\]/);
  });

  it("refuses a fractional number where an integer attribute is written", () => {
    const g = new GraphBuilder("fractional");
    const x = g.input("x", "float32", [1]);
    expect(() => g.op("LeakyRelu", [x], { alpha: 0.5 })).toThrow(/wrap floats in float\(\)/);
  });
});
