/**
 * Just enough of the WebAssembly binary format (core specification §5, with the fixed-width SIMD
 * instructions) to write small numeric kernels in TypeScript: one exported memory, functions with
 * typed locals, and the instructions those kernels use. A kernel is an array of instruction
 * bytes, written with the helpers below in the stack machine's order.
 */

export const valType = { i32: 0x7f, f64: 0x7c, v128: 0x7b } as const;
export type ValType = (typeof valType)[keyof typeof valType];

/** Unsigned LEB128, the format's encoding of indices, sizes and opcodes. */
export function uleb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`not a u32: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return bytes;
}

/** Signed LEB128, the encoding of i32 constants. */
export function sleb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) throw new RangeError(`not an i32: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

const vector = (items: number[][]): number[] => [...uleb128(items.length), ...items.flat()];
const name = (text: string): number[] => vector([...new TextEncoder().encode(text)].map((b) => [b]));
const section = (id: number, body: number[]): number[] => [id, ...uleb128(body.length), ...body];

/** Alignment hint (log2 bytes) and constant offset of a memory access. */
const memarg = (alignLog2: number, offset: number): number[] => [...uleb128(alignLog2), ...uleb128(offset)];
const simd = (opcode: number, ...immediates: number[]): number[] => [0xfd, ...uleb128(opcode), ...immediates];

/** Scalar and control instructions. Blocks here take and give nothing (block type 0x40). */
export const op = {
  localGet: (index: number) => [0x20, ...uleb128(index)],
  localSet: (index: number) => [0x21, ...uleb128(index)],
  localTee: (index: number) => [0x22, ...uleb128(index)],
  i32Const: (value: number) => [0x41, ...sleb128(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtS: [0x48],
  i32Eq: [0x46],
  i32Eqz: [0x45],
  /** i32 and f64 memory accesses, at the address on the stack plus `offset`, aligned to their size. */
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  i32Store: (offset = 0) => [0x36, ...memarg(2, offset)],
  f64Load: (offset = 0) => [0x2b, ...memarg(3, offset)],
  f64Store: (offset = 0) => [0x39, ...memarg(3, offset)],
  /** An f64 constant: its eight bytes, little-endian. */
  f64Const: (value: number) => {
    const bytes = new DataView(new ArrayBuffer(8));
    bytes.setFloat64(0, value, true);
    return [0x44, ...new Uint8Array(bytes.buffer)];
  },
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  /** f64 comparisons, giving an i32 of 1 or 0 (0 when either is NaN). */
  f64Gt: [0x64],
  f64Ge: [0x66],
  f64ConvertI32S: [0xb7],
  i32RemU: [0x70],
  i32And: [0x71],
  /** Calls the module's function at `index` (its place in `assembleModule`'s list). */
  call: (index: number) => [0x10, ...uleb128(index)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  /** Branches to the enclosing block or loop `depth` levels out (0: the innermost) when the top of the stack is not 0. */
  brIf: (depth: number) => [0x0d, ...uleb128(depth)],
  /** Branches unconditionally: to the end of a block, or back to the start of a loop. */
  br: (depth: number) => [0x0c, ...uleb128(depth)],
  return: [0x0f],
  /** a, b, c → a where c is not 0, else b. */
  select: [0x1b],
  end: [0x0b],
} as const;

/**
 * A function's locals by name, numbered in the order given (its parameters first, then its other
 * locals): each name's index, and the instructions that read, write and tee it.
 */
export function namedLocals<Name extends string>(names: readonly Name[]) {
  const index = Object.fromEntries(names.map((n, i) => [n, i])) as Record<Name, number>;
  return {
    index,
    get: (n: Name) => op.localGet(index[n]),
    set: (n: Name) => op.localSet(index[n]),
    tee: (n: Name) => op.localTee(index[n]),
  };
}

/** 128-bit SIMD instructions, by their names in the specification. */
export const v128 = {
  load: (offset = 0) => simd(0x00, ...memarg(4, offset)),
  store: (offset = 0) => simd(0x0b, ...memarg(4, offset)),
  /** 32 bits into lane 0 of an i32x4, the other lanes 0. */
  load32Zero: (offset = 0) => simd(0x5c, ...memarg(2, offset)),
  and: simd(0x4e),
  i32x4ExtendLowI16x8S: simd(0xa7),
  f64x2Splat: simd(0x14),
  f64x2ConvertLowI32x4S: simd(0xfe),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Abs: simd(0xec),
  f64x2Ge: simd(0x4c),
  /** Lane 0 or 1 of an f64x2, as an f64. */
  f64x2ExtractLane: (lane: 0 | 1) => simd(0x21, lane),
} as const;

export type WasmFunction = {
  /** The export's name. */
  name: string;
  params: ValType[];
  results: ValType[];
  /** Locals after the parameters, numbered from params.length on. */
  locals: ValType[];
  /** The instructions, without the final `end`. */
  body: number[];
};

/**
 * A module of `functions` (each exported under its name, with its own type) and one memory of
 * `memoryPages` 64 KiB pages, exported as "memory".
 */
export function assembleModule(functions: WasmFunction[], memoryPages: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const exports = functions.map((f, index) => [...name(f.name), 0x00, ...uleb128(index)]);
  exports.push([...name("memory"), 0x02, ...uleb128(0)]);
  const bodies = functions.map((f) => {
    const locals = vector(runsOf(f.locals).map(([type, count]) => [...uleb128(count), type]));
    const code = [...locals, ...f.body, ...op.end];
    return [...uleb128(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, index) => uleb128(index)))),
    ...section(5, vector([[0x00, ...uleb128(memoryPages)]])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}

/** Locals are declared as runs of one type. */
function runsOf(types: ValType[]): [ValType, number][] {
  const runs: [ValType, number][] = [];
  for (const type of types) {
    const last = runs.at(-1);
    if (last && last[0] === type) last[1]++;
    else runs.push([type, 1]);
  }
  return runs;
}
