import { describe, expect, it } from "vitest";
import { assembleModule, op, sleb128, uleb128, v128, valType, type WasmFunction } from "./wasm-assembler";
import { instantiate, type WasmMemory } from "./wasm-instance";

const load = (functions: WasmFunction[]) => instantiate(assembleModule(functions, 1));
const bufferOf = (exports: Record<string, unknown>) => (exports.memory as WasmMemory).buffer;

describe("LEB128", () => {
  it("encodes the specification's examples and the edges of each byte", () => {
    expect(uleb128(0)).toEqual([0x00]);
    expect(uleb128(127)).toEqual([0x7f]);
    expect(uleb128(128)).toEqual([0x80, 0x01]);
    expect(uleb128(624_485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb128(0xffff_ffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb128(0)).toEqual([0x00]);
    expect(sleb128(63)).toEqual([0x3f]);
    expect(sleb128(64)).toEqual([0xc0, 0x00]);
    expect(sleb128(-1)).toEqual([0x7f]);
    expect(sleb128(-64)).toEqual([0x40]);
    expect(sleb128(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb128(-123_456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it("refuses what a 32-bit field cannot hold", () => {
    expect(() => uleb128(-1)).toThrow(RangeError);
    expect(() => uleb128(2 ** 32)).toThrow(RangeError);
    expect(() => uleb128(1.5)).toThrow(RangeError);
    expect(() => sleb128(2 ** 31)).toThrow(RangeError);
  });
});

describe("assembleModule", () => {
  it("builds a module the engine accepts, whose functions compute what they say", () => {
    // mulAdd(a, b, c) = a·b + c, with a local to hold the product.
    const mulAdd: WasmFunction = {
      name: "mulAdd",
      params: [valType.i32, valType.i32, valType.i32],
      results: [valType.i32],
      locals: [valType.i32],
      body: [...op.localGet(0), ...op.localGet(1), ...op.i32Mul, ...op.localSet(3), ...op.localGet(3), ...op.localGet(2), ...op.i32Add],
    };
    const answer: WasmFunction = { name: "answer", params: [], results: [valType.i32], locals: [], body: op.i32Const(-42) };
    const exports = load([mulAdd, answer]);
    expect((exports.mulAdd as (a: number, b: number, c: number) => number)(6, 7, 100)).toBe(142);
    expect((exports.answer as () => number)()).toBe(-42);
    expect(bufferOf(exports).byteLength).toBe(65_536);
  });

  it("runs the SIMD instructions on memory: 16-bit pairs to f64x2, arithmetic, masking", () => {
    // kernel(s): v = the two int16 at byte 0 as f64x2; stores (v − s)·v + v at byte 16, and v where
    // |v| ≥ s, else 0, at byte 32.
    const kernel: WasmFunction = {
      name: "kernel",
      params: [valType.f64],
      results: [],
      locals: [valType.v128],
      body: [
        ...op.i32Const(0), ...v128.load32Zero(), ...v128.i32x4ExtendLowI16x8S, ...v128.f64x2ConvertLowI32x4S, ...op.localSet(1),
        ...op.i32Const(16),
        ...op.localGet(1), ...op.localGet(0), ...v128.f64x2Splat, ...v128.f64x2Sub, ...op.localGet(1), ...v128.f64x2Mul, ...op.localGet(1), ...v128.f64x2Add,
        ...v128.store(),
        ...op.i32Const(32),
        ...op.localGet(1), ...op.localGet(1), ...v128.f64x2Abs, ...op.localGet(0), ...v128.f64x2Splat, ...v128.f64x2Ge, ...v128.and,
        ...v128.store(),
      ],
    };
    const exports = load([kernel]);
    const buffer = bufferOf(exports);
    new Int16Array(buffer, 0, 2).set([-3, 1]);
    (exports.kernel as (s: number) => void)(2);
    expect([...new Float64Array(buffer, 16, 4)]).toEqual([12, 0, -3, 0]);
  });

  it("runs loops and branches: a sum over memory, with an empty range skipped", () => {
    // sum(from, to) = Σ int32 at bytes [from, to), in steps of 4, or 0 when from ≥ to.
    const sum: WasmFunction = {
      name: "sum",
      params: [valType.i32, valType.i32],
      results: [valType.i32],
      locals: [valType.i32],
      body: [
        ...op.localGet(0), ...op.localGet(1), ...op.i32LtS, ...op.if, ...op.loop,
        ...op.localGet(2), ...op.localGet(0), 0x28, 0x02, 0x00, ...op.i32Add, ...op.localSet(2), // i32.load (align 4, offset 0)
        ...op.localGet(0), ...op.i32Const(4), ...op.i32Add, ...op.localTee(0), ...op.localGet(1), ...op.i32LtS, ...op.brIf(0),
        ...op.end, ...op.else, ...op.i32Const(0), ...op.localSet(2), ...op.end,
        ...op.localGet(2),
      ],
    };
    const exports = load([sum]);
    new Int32Array(bufferOf(exports), 0, 4).set([5, -2, 40, 1000]);
    const run = exports.sum as (from: number, to: number) => number;
    expect(run(0, 12)).toBe(43);
    expect(run(4, 16)).toBe(1038);
    expect(run(8, 8)).toBe(0);
  });

  it("calls another function, leaves a block, and reads and writes scalars in memory", () => {
    // lanes(at) = lane 0 + lane 1 of the f64x2 at `at`, plus 0.25.
    const lanes: WasmFunction = {
      name: "lanes",
      params: [valType.i32],
      results: [valType.f64],
      locals: [valType.v128],
      body: [
        ...op.localGet(0), ...v128.load(), ...op.localSet(1),
        ...op.localGet(1), ...v128.f64x2ExtractLane(0), ...op.localGet(1), ...v128.f64x2ExtractLane(1), ...op.f64Add, ...op.f64Const(0.25), ...op.f64Add,
      ],
    };
    // total(count): Σ lanes(16·k) for k < count, stored as an f64 at byte 64, the count read back
    // from an i32 stored at byte 72; a count of 0 leaves the block before the loop.
    const total: WasmFunction = {
      name: "total",
      params: [valType.i32],
      results: [valType.i32],
      locals: [valType.i32, valType.f64],
      body: [
        ...op.f64Const(0), ...op.localSet(2),
        ...op.block,
        ...op.localGet(0), ...op.i32Eqz, ...op.brIf(0),
        ...op.loop,
        ...op.localGet(2), ...op.localGet(1), ...op.i32Const(16), ...op.i32Mul, ...op.call(0), ...op.f64Add, ...op.localSet(2),
        ...op.localGet(1), ...op.i32Const(1), ...op.i32Add, ...op.localTee(1), ...op.localGet(0), ...op.i32Eq, ...op.brIf(1),
        ...op.br(0),
        ...op.end, ...op.end,
        ...op.i32Const(64), ...op.localGet(2), ...op.f64Store(),
        ...op.i32Const(0), ...op.localGet(1), ...op.i32Store(72),
        ...op.i32Const(72), ...op.i32Load(),
      ],
    };
    const exports = load([lanes, total]);
    const buffer = bufferOf(exports);
    new Float64Array(buffer, 0, 4).set([1.5, -0.5, 1e300, 3]);
    const run = exports.total as (count: number) => number;
    expect(run(2)).toBe(2);
    expect(new Float64Array(buffer, 64, 1)[0]).toBe(1.5 - 0.5 + 0.25 + (1e300 + 3 + 0.25));
    expect(run(0)).toBe(0);
    expect(new Float64Array(buffer, 64, 1)[0]).toBe(0);
    expect(op.f64Const(-2)).toEqual([0x44, 0, 0, 0, 0, 0, 0, 0, 0xc0]);
  });

  it("returns early, and selects between two values", () => {
    // min(a, b) by select, returned before the 0 that would follow.
    const min: WasmFunction = {
      name: "min",
      params: [valType.i32, valType.i32],
      results: [valType.i32],
      locals: [],
      body: [...op.localGet(0), ...op.localGet(1), ...op.localGet(0), ...op.localGet(1), ...op.i32LtS, ...op.select, ...op.return, ...op.i32Const(0)],
    };
    const run = load([min]).min as (a: number, b: number) => number;
    expect([run(3, 9), run(9, 3), run(-4, -4), run(-5, 2)]).toEqual([3, 3, -4, -5]);
  });
});
