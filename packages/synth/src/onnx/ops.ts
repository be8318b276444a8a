/**
 * Short names for the ONNX operators the generated graphs use, so a graph reads like the formula it
 * computes. Each helper adds one node to the builder (opset 17 semantics).
 */
import { type DType, type GraphBuilder, type Value } from "./graph";

const TO: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 };

export type Ops = ReturnType<typeof opsFor>;

export function opsFor(g: GraphBuilder) {
  const bin = (op: string) => (a: Value, b: Value) => g.op(op, [a, b]);
  const un = (op: string) => (a: Value) => g.op(op, [a]);
  return {
    add: bin("Add"),
    sub: bin("Sub"),
    mul: bin("Mul"),
    div: bin("Div"),
    pow: bin("Pow"),
    max: bin("Max"),
    min: bin("Min"),
    matmul: bin("MatMul"),
    less: bin("Less"),
    greater: bin("Greater"),
    equal: bin("Equal"),
    exp: un("Exp"),
    log: un("Log"),
    sin: un("Sin"),
    tanh: un("Tanh"),
    abs: un("Abs"),
    sign: un("Sign"),
    floor: un("Floor"),
    not: un("Not"),
    shape: un("Shape"),
    where: (cond: Value, a: Value, b: Value) => g.op("Where", [cond, a, b]),
    cast: (a: Value, to: DType) => g.op("Cast", [a], { to: TO[to] }),
    clip: (a: Value, lo: number, hi: number) => g.op("Clip", [a, g.float(lo), g.float(hi)]),
    reshape: (a: Value, shape: Value) => g.op("Reshape", [a, shape]),
    squeeze: (a: Value, axes: number[]) => g.op("Squeeze", [a, g.int64(axes)]),
    unsqueeze: (a: Value, axes: number[]) => g.op("Unsqueeze", [a, g.int64(axes)]),
    concat: (values: Value[], axis: number) => g.op("Concat", values, { axis }),
    transpose: (a: Value, perm: number[]) => g.op("Transpose", [a], { perm }),
    gather: (data: Value, indices: Value, axis = 0) => g.op("Gather", [data, indices], { axis }),
    gatherElements: (data: Value, indices: Value, axis: number) => g.op("GatherElements", [data, indices], { axis }),
    cumsum: (a: Value, axis: number, exclusive = false) => g.op("CumSum", [a, g.int64(axis)], { exclusive: exclusive ? 1 : 0 }),
    reduceSum: (a: Value, axes: number[], keepdims = false) => g.op("ReduceSum", [a, g.int64(axes)], { keepdims: keepdims ? 1 : 0 }),
    /** Elements [start, end) along `axis`; `end` may be a Value computed at run time. */
    slice: (a: Value, start: number | Value, end: number | Value, axis: number) =>
      g.op("Slice", [a, typeof start === "number" ? g.int64([start]) : start, typeof end === "number" ? g.int64([end]) : end, g.int64([axis])]),
    /** The size of `a` along `axis`, as an int64 tensor of shape [1]. */
    dim: (a: Value, axis: number) => g.op("Shape", [a], { start: axis, end: axis + 1 }),
    /** The fractional part x − ⌊x⌋, in [0, 1). */
    frac: (a: Value) => g.op("Sub", [a, g.op("Floor", [a])]),
  };
}
