import { assembleModule, namedLocals, op, v128, valType, type WasmFunction } from "../wasm/wasm-assembler";
import {
  COEFFICIENTS,
  FILTERED_FRAME_BYTES,
  FILTERED_FRAMES,
  FILTERED_OFFSET,
  FLOOR_OFFSET,
  GAIN_OFFSET,
  METER_OFFSET,
  PAIR_BYTES,
  PAIRS_START,
  SCALE_OFFSET,
  SUM_OFFSET,
  WEIGHTS_OFFSET,
} from "./k-weighting-simd";
import { BLOCK_SUBS, SHORT_TERM_SUBS } from "./loudness";

/**
 * The kernel of `SimdKWeighting`, written with the assembler. It is assembled when the studio is
 * built, not when it runs (`pnpm --filter @mini-studio/audio generate:wasm` writes the bytes into
 * k-weighting-kernel.wasm.ts, and a test checks that they are still what this file assembles):
 * assembling it in a cold process took 6–8 ms, longer than compiling its bytes (under 1 ms).
 */
export function kWeightingKernelModule(): Uint8Array<ArrayBuffer> {
  // `measure` calls `pair` by its index: 0.
  return assembleModule([pairKernel(), measureKernel(), gateKernel()], 1);
}

const params = ["src", "frames", "stride", "state"] as const;
const scalars = ["end", "blockEnd", "q", "qEnd", "qLast"] as const;
const vectors = ["B1", "B2", "A1", "A2", "C1", "C2", "x1", "x2", "p1", "p2", "u1", "u2", "w1", "w2", "sum", "v", "p"] as const;
type Name = (typeof params)[number] | (typeof scalars)[number] | (typeof vectors)[number];
const { get, set, tee } = namedLocals<Name>([...params, ...scalars, ...vectors]);

/** The state in memory order (K_STATE_SIZE), then the sums. */
const STATE = ["x1", "x2", "p1", "p2", "u1", "u2", "w1", "w2"] as const;
type StateName = (typeof STATE)[number];
/**
 * Which local holds each value of the recursions. A frame writes its newest values over the
 * oldest, so the roles swap each frame; the input history (x1, x2) moves instead.
 */
type Roles = Record<StateName, Name>;
const STRAIGHT: Roles = { x1: "x1", x2: "x2", p1: "p1", p2: "p2", u1: "u1", u2: "u2", w1: "w1", w2: "w2" };
const SWAPPED: Roles = { x1: "x1", x2: "x2", p1: "p2", p2: "p1", u1: "u2", u2: "u1", w1: "w2", w2: "w1" };
/** The recursions' values, zeroed below `floor` on the way out, as `flushSubnormals` does. */
const FLUSHED = new Set<StateName>(["u1", "u2", "w1", "w2"]);

const { f64x2Add: add, f64x2Sub: sub, f64x2Mul: mul } = v128;

/**
 * The input filter of the frame at `src`: p = v − x1 − x1 + x2, exact on integers, stored at `q`.
 * It depends on no earlier result, so a block of frames goes through it at full speed before the
 * recursions run over the block.
 */
function filterInput(): number[] {
  return [
    ...get("src"), ...v128.load32Zero(), ...v128.i32x4ExtendLowI16x8S, ...v128.f64x2ConvertLowI32x4S, ...set("v"),
    ...get("q"), ...get("v"), ...get("x1"), ...sub, ...get("x1"), ...sub, ...get("x2"), ...add, ...v128.store(0),
    ...get("x1"), ...set("x2"), ...get("v"), ...set("x1"),
  ];
}

/** The recursions of one frame, on the p at `q` + `offset`, in the order of kWeightedSumOfSquaresS16. */
function recursions(r: Roles, offset: number): number[] {
  return [
    ...get("q"), ...v128.load(offset), ...set("p"),
    // u = p + β1·p1 + β2·p2 − a2·u2 − a1·u1
    ...get("p"), ...get("B1"), ...get(r.p1), ...mul, ...add, ...get("B2"), ...get(r.p2), ...mul, ...add,
    ...get("A2"), ...get(r.u2), ...mul, ...sub, ...get("A1"), ...get(r.u1), ...mul, ...sub, ...set(r.u2),
    // w = u − c2·w2 − c1·w1
    ...get(r.u2), ...get("C2"), ...get(r.w2), ...mul, ...sub, ...get("C1"), ...get(r.w1), ...mul, ...sub, ...set(r.w2),
    ...get("sum"), ...get(r.w2), ...get(r.w2), ...mul, ...add, ...set("sum"),
    ...get("p"), ...set(r.p2),
  ];
}

/** Stores the state (recursions zeroed below the floor) and the sums, and returns. */
function storeStateAndReturn(r: Roles): number[] {
  return [
    ...STATE.flatMap((n, i) => [
      ...get("state"),
      ...get(r[n]),
      ...(FLUSHED.has(n) ? [...get(r[n]), ...v128.f64x2Abs, ...op.i32Const(0), ...v128.load(FLOOR_OFFSET), ...v128.f64x2Ge, ...v128.and] : []),
      ...v128.store(i * 16),
    ]),
    ...get("state"), ...get("sum"), ...v128.store(SUM_OFFSET),
    ...op.return,
  ];
}

/**
 * pair(src, frames, stride, state): runs `frames` frames from byte `src` (two adjacent 16-bit
 * channels, `stride` bytes per frame) through the K-weighting of `kWeightedSumOfSquaresS16` with
 * the state at byte `state`, and stores the sums of squares there. The sums start at 0, as all
 * locals do. The coefficients come from memory rather than as arguments: calls from JavaScript
 * with fewer arguments cost less.
 *
 * The frames go in blocks of FILTERED_FRAMES: first the input filter over the block, into memory
 * at FILTERED_OFFSET, then the recursions over it, two frames per turn so that the roles swap back
 * without moving values between locals. Apart, each loop's values fit in the machine's registers;
 * in one loop they did not, and the spilling made it a quarter slower.
 */
const pairKernel = (): WasmFunction => ({
  name: "pair",
  params: params.map(() => valType.i32),
  results: [],
  locals: [...scalars.map(() => valType.i32), ...vectors.map(() => valType.v128)],
  body: [
    ...COEFFICIENTS.flatMap((c, i) => [...op.i32Const(0), ...v128.load(i * 16), ...set(c)]),
    ...STATE.flatMap((n, i) => [...get("state"), ...v128.load(i * 16), ...set(n)]),
    ...get("src"), ...get("frames"), ...get("stride"), ...op.i32Mul, ...op.i32Add, ...set("end"),
    ...get("src"), ...get("end"), ...op.i32LtS, ...op.if, ...op.loop,
    // blockEnd = min(src + FILTERED_FRAMES · stride, end)
    ...get("src"), ...op.i32Const(FILTERED_FRAMES), ...get("stride"), ...op.i32Mul, ...op.i32Add, ...set("blockEnd"),
    ...get("blockEnd"), ...get("end"), ...get("blockEnd"), ...get("end"), ...op.i32LtS, ...op.select, ...set("blockEnd"),
    ...op.i32Const(FILTERED_OFFSET), ...set("q"),
    ...op.loop,
    ...filterInput(),
    ...get("q"), ...op.i32Const(FILTERED_FRAME_BYTES), ...op.i32Add, ...set("q"),
    ...get("src"), ...get("stride"), ...op.i32Add, ...tee("src"), ...get("blockEnd"), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...get("q"), ...set("qEnd"),
    ...get("qEnd"), ...op.i32Const(FILTERED_FRAME_BYTES), ...op.i32Sub, ...set("qLast"),
    ...op.i32Const(FILTERED_OFFSET), ...set("q"),
    ...get("q"), ...get("qLast"), ...op.i32LtS, ...op.if, ...op.loop,
    ...recursions(STRAIGHT, 0),
    ...recursions(SWAPPED, FILTERED_FRAME_BYTES),
    ...get("q"), ...op.i32Const(2 * FILTERED_FRAME_BYTES), ...op.i32Add, ...tee("q"), ...get("qLast"), ...op.i32LtS, ...op.brIf(0),
    ...op.end, ...op.end,
    // An odd frame left, which only the last block can have (FILTERED_FRAMES is even): after it the roles are swapped.
    ...get("q"), ...get("qEnd"), ...op.i32LtS, ...op.if,
    ...recursions(STRAIGHT, 0), ...storeStateAndReturn(SWAPPED),
    ...op.end,
    ...get("src"), ...get("end"), ...op.i32LtS, ...op.brIf(0),
    ...op.end, ...op.end,
    ...storeStateAndReturn(STRAIGHT),
  ],
});

const measureParams = ["src", "frames", "stride", "pairs", "closed"] as const;
const measureScalars = ["hop", "filled", "count", "n", "pair", "from", "at"] as const;
const measureFloats = ["current", "energy"] as const;
type MeasureName = (typeof measureParams)[number] | (typeof measureScalars)[number] | (typeof measureFloats)[number] | "weighted";
const { get: mget, set: mset, tee: mtee } = namedLocals<MeasureName>([...measureParams, ...measureScalars, ...measureFloats, "weighted"]);

/**
 * measure(src, frames, stride, pairs, closed) → count: runs `pairs` channel pairs over `frames`
 * frames from byte `src` and adds them up into sub-blocks as LoudnessMeter does it in JavaScript,
 * with the same operations in the same order: the frames go in stretches that end where a
 * sub-block does; each stretch runs `pair` for every pair, and its energy is, channel by channel,
 * energy + weight · ((sum · gain) · scale); the stretch's energy goes into the sub-block under way
 * (kept at METER_OFFSET), and each completed sub-block's energy is stored from byte `closed` on.
 * Returns how many completed. `pairs` is at least 1.
 */
const measureKernel = (): WasmFunction => ({
  name: "measure",
  params: measureParams.map(() => valType.i32),
  results: [valType.i32],
  locals: [...measureScalars.map(() => valType.i32), ...measureFloats.map(() => valType.f64), valType.v128],
  body: [
    ...op.i32Const(0), ...op.f64Load(METER_OFFSET), ...mset("current"),
    ...op.i32Const(0), ...op.i32Load(METER_OFFSET + 8), ...mset("filled"),
    ...op.i32Const(0), ...op.i32Load(METER_OFFSET + 12), ...mset("hop"),
    ...op.block, ...op.loop,
    ...mget("frames"), ...op.i32Eqz, ...op.brIf(1),
    // n = min(frames, hop − filled): the stretch up to the end of the sub-block under way.
    ...mget("hop"), ...mget("filled"), ...op.i32Sub, ...mset("n"),
    ...mget("frames"), ...mget("n"), ...mget("frames"), ...mget("n"), ...op.i32LtS, ...op.select, ...mset("n"),
    ...op.f64Const(0), ...mset("energy"),
    ...mget("src"), ...mset("from"),
    ...op.i32Const(PAIRS_START), ...mset("at"),
    ...op.i32Const(0), ...mset("pair"),
    ...op.loop,
    ...mget("from"), ...mget("n"), ...mget("stride"), ...mget("at"), ...op.call(0),
    ...mget("at"), ...v128.load(SUM_OFFSET), ...op.i32Const(0), ...v128.load(GAIN_OFFSET), ...mul,
    ...op.i32Const(0), ...v128.load(SCALE_OFFSET), ...mul, ...mget("at"), ...v128.load(WEIGHTS_OFFSET), ...mul, ...mset("weighted"),
    ...mget("energy"), ...mget("weighted"), ...v128.f64x2ExtractLane(0), ...op.f64Add,
    ...mget("weighted"), ...v128.f64x2ExtractLane(1), ...op.f64Add, ...mset("energy"),
    ...mget("at"), ...op.i32Const(PAIR_BYTES), ...op.i32Add, ...mset("at"),
    ...mget("from"), ...op.i32Const(4), ...op.i32Add, ...mset("from"),
    ...mget("pair"), ...op.i32Const(1), ...op.i32Add, ...mtee("pair"), ...mget("pairs"), ...op.i32LtS, ...op.brIf(0),
    ...op.end,
    ...mget("current"), ...mget("energy"), ...op.f64Add, ...mset("current"),
    ...mget("filled"), ...mget("n"), ...op.i32Add, ...mset("filled"),
    ...mget("src"), ...mget("n"), ...mget("stride"), ...op.i32Mul, ...op.i32Add, ...mset("src"),
    ...mget("frames"), ...mget("n"), ...op.i32Sub, ...mset("frames"),
    // A completed sub-block: its energy is stored, and the next one starts empty.
    ...mget("filled"), ...mget("hop"), ...op.i32Eq, ...op.if,
    ...mget("closed"), ...mget("count"), ...op.i32Const(8), ...op.i32Mul, ...op.i32Add, ...mget("current"), ...op.f64Store(),
    ...mget("count"), ...op.i32Const(1), ...op.i32Add, ...mset("count"),
    ...op.f64Const(0), ...mset("current"),
    ...op.i32Const(0), ...mset("filled"),
    ...op.end,
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.i32Const(0), ...mget("current"), ...op.f64Store(METER_OFFSET),
    ...op.i32Const(0), ...mget("filled"), ...op.i32Store(METER_OFFSET + 8),
    ...mget("count"),
  ],
});

const gateParams = ["n", "shortAt", "resultAt", "blockNorm", "shortNorm", "absoluteGate", "relativeIntegrated", "relativeRange"] as const;
const gateScalars = ["k", "j", "end", "gatedCount", "count", "shortCount", "kept"] as const;
const gateFloats = ["p", "momentaryMax", "gatedSum", "relative", "sum", "integrated", "window", "shortMax", "mean", "rangeGate"] as const;
type GateName = (typeof gateParams)[number] | (typeof gateScalars)[number] | (typeof gateFloats)[number];
const { get: gget, set: gset } = namedLocals<GateName>([...gateParams, ...gateScalars, ...gateFloats]);
const increment = (n: GateName) => [...gget(n), ...op.i32Const(1), ...op.i32Add, ...gset(n)];
/** The f64 at index `i` of an array at byte `base` (0 for the energies). */
const f64At = (base: number[], i: GateName, offset = 0) => [...base, ...gget(i), ...op.i32Const(8), ...op.i32Mul, ...op.i32Add, ...op.f64Load(offset)];
const energyAt = (i: GateName, offset = 0) => f64At(op.i32Const(0), i, offset);
/** for (; i < end; i++) { body }, with `i` and `end` i32 locals; `body` must not branch out of it. */
const countUp = (i: GateName, end: GateName, body: number[]) => [
  ...op.block, ...op.loop,
  ...gget(i), ...gget(end), ...op.i32LtS, ...op.i32Eqz, ...op.brIf(1),
  ...body,
  ...increment(i), ...op.br(0),
  ...op.end, ...op.end,
];
/** p = (((e[k] + e[k−1]) + e[k−2]) + e[k−3]) · blockNorm: the 400 ms block ending with sub-block k. */
const blockPower = () => [
  ...gget("k"), ...op.i32Const(BLOCK_SUBS - 1), ...op.i32Sub, ...gset("j"),
  ...energyAt("j", 8 * (BLOCK_SUBS - 1)),
  ...Array.from({ length: BLOCK_SUBS - 1 }, (_, i) => [...energyAt("j", 8 * (BLOCK_SUBS - 2 - i)), ...op.f64Add]).flat(),
  ...gget("blockNorm"), ...op.f64Mul, ...gset("p"),
];

/**
 * gate(n, shortAt, resultAt, blockNorm, shortNorm, absoluteGate, relativeIntegrated, relativeRange)
 * → kept: LoudnessMeter.result's gating of the `n` sub-block energies at byte 0, with the same
 * operations in the same order as its JavaScript (gateInJavaScript in loudness.ts). Stores the
 * momentary maximum, the integrated loudness's relative gate, its gated mean power, the short-term
 * maximum and the loudness range's relative gate as f64 from byte `resultAt` on; writes the
 * short-term powers that pass both of the range's gates, in order, from byte `shortAt`, and
 * returns how many.
 */
const gateKernel = (): WasmFunction => ({
  name: "gate",
  params: gateParams.map((n, i) => (i < 3 ? valType.i32 : valType.f64)),
  results: [valType.i32],
  locals: [...gateScalars.map(() => valType.i32), ...gateFloats.map(() => valType.f64)],
  body: [
    // Integrated loudness, first gate: every 400 ms block above the absolute gate.
    ...op.i32Const(BLOCK_SUBS - 1), ...gset("k"),
    ...countUp("k", "n", [
      ...blockPower(),
      ...gget("p"), ...gget("momentaryMax"), ...gget("p"), ...gget("momentaryMax"), ...op.f64Gt, ...op.select, ...gset("momentaryMax"),
      ...gget("p"), ...gget("absoluteGate"), ...op.f64Gt, ...op.if,
      ...gget("gatedSum"), ...gget("p"), ...op.f64Add, ...gset("gatedSum"), ...increment("gatedCount"),
      ...op.end,
    ]),
    // Second gate: 10 LU below the mean of those.
    ...op.i32Const(0), ...gget("gatedCount"), ...op.i32LtS, ...op.if,
    ...gget("gatedSum"), ...gget("gatedCount"), ...op.f64ConvertI32S, ...op.f64Div, ...gget("relativeIntegrated"), ...op.f64Mul, ...gset("relative"),
    ...op.i32Const(BLOCK_SUBS - 1), ...gset("k"),
    ...countUp("k", "n", [
      ...blockPower(),
      ...gget("p"), ...gget("absoluteGate"), ...op.f64Gt, ...gget("p"), ...gget("relative"), ...op.f64Gt, ...op.i32And, ...op.if,
      ...gget("sum"), ...gget("p"), ...op.f64Add, ...gset("sum"), ...increment("count"),
      ...op.end,
    ]),
    ...gget("sum"), ...gget("count"), ...op.f64ConvertI32S, ...op.f64Div, ...gset("integrated"),
    ...op.end,
    // Short-term 3 s windows, a running sum summed afresh every SHORT_TERM_SUBS sub-blocks.
    ...op.i32Const(SHORT_TERM_SUBS - 1), ...gset("k"),
    ...countUp("k", "n", [
      ...gget("k"), ...op.i32Const(1), ...op.i32Add, ...op.i32Const(SHORT_TERM_SUBS), ...op.i32RemU, ...op.i32Eqz, ...op.if,
      ...op.f64Const(0), ...gset("window"),
      ...gget("k"), ...op.i32Const(SHORT_TERM_SUBS - 1), ...op.i32Sub, ...gset("j"),
      ...gget("k"), ...op.i32Const(1), ...op.i32Add, ...gset("end"),
      ...countUp("j", "end", [...gget("window"), ...energyAt("j"), ...op.f64Add, ...gset("window")]),
      ...op.else,
      ...gget("k"), ...op.i32Const(SHORT_TERM_SUBS), ...op.i32Sub, ...gset("j"),
      ...gget("window"), ...energyAt("k"), ...energyAt("j"), ...op.f64Sub, ...op.f64Add, ...gset("window"),
      ...op.end,
      ...gget("window"), ...gget("shortNorm"), ...op.f64Mul, ...gset("p"),
      ...gget("p"), ...gget("shortMax"), ...gget("p"), ...gget("shortMax"), ...op.f64Gt, ...op.select, ...gset("shortMax"),
      ...gget("p"), ...gget("absoluteGate"), ...op.f64Gt, ...op.if,
      ...gget("shortAt"), ...gget("shortCount"), ...op.i32Const(8), ...op.i32Mul, ...op.i32Add, ...gget("p"), ...op.f64Store(),
      ...increment("shortCount"),
      ...op.end,
    ]),
    // Loudness range: the relative gate 20 LU below the windows' mean, and the windows it keeps.
    ...op.i32Const(0), ...gget("shortCount"), ...op.i32LtS, ...op.if,
    ...op.i32Const(0), ...gset("j"),
    ...countUp("j", "shortCount", [...gget("mean"), ...f64At(gget("shortAt"), "j"), ...op.f64Add, ...gset("mean")]),
    ...gget("mean"), ...gget("shortCount"), ...op.f64ConvertI32S, ...op.f64Div, ...gget("relativeRange"), ...op.f64Mul, ...gset("rangeGate"),
    ...op.i32Const(0), ...gset("j"),
    ...countUp("j", "shortCount", [
      ...f64At(gget("shortAt"), "j"), ...gset("p"),
      ...gget("p"), ...gget("rangeGate"), ...op.f64Ge, ...op.if,
      ...gget("shortAt"), ...gget("kept"), ...op.i32Const(8), ...op.i32Mul, ...op.i32Add, ...gget("p"), ...op.f64Store(),
      ...increment("kept"),
      ...op.end,
    ]),
    ...op.end,
    ...(["momentaryMax", "relative", "integrated", "shortMax", "rangeGate"] as const).flatMap((n, i) => [...gget("resultAt"), ...gget(n), ...op.f64Store(8 * i)]),
    ...gget("kept"),
  ],
});
