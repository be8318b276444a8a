/**
 * A small typed builder for ONNX graphs, written over onnx-proto's protobufjs classes, so the
 * built-in voice's models are plain TypeScript. Every tensor is stored as little-endian `raw_data`,
 * which keeps int64 free of protobufjs's Long type.
 *
 *   const g = new GraphBuilder("acoustic");
 *   const f0 = g.input("f0", "float32", [1, "T"]);
 *   const x = g.op("Mul", [f0, g.float(2)]);
 *   g.output(x, "mel", "float32", [1, "T", 128]);
 *   const bytes = g.encode(); // InferenceSession.create(bytes)
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** IR version 8 with opset 17: what onnxruntime-node 1.30 loads (see DESIGN.md, environment facts). */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

export type DType = "float32" | "float64" | "int32" | "int64" | "bool" | "uint8";
/** A fixed size, or a symbolic one ("T", "N") that the runtime fills in. */
export type Dim = number | string;

/** A named tensor in the graph: an input, an initializer or a node output. */
export type Value = { readonly name: string };

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

const DATA_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8,
};

/** Attribute values: integers, integer lists and strings are written as themselves; floats, float lists and tensors go through `float()`, `floats()` and `tensorAttr()`. */
export type AttrValue =
  | number
  | number[]
  | string
  | { readonly kind: "float"; value: number }
  | { readonly kind: "floats"; value: number[] }
  | { readonly kind: "tensor"; value: onnxProto.onnx.ITensorProto };

export type Attrs = Record<string, AttrValue | undefined>;

export const float = (value: number): AttrValue => ({ kind: "float", value });
export const floats = (value: number[]): AttrValue => ({ kind: "floats", value });

export function tensorAttr(data: TensorData, dims?: number[]): AttrValue {
  return { kind: "tensor", value: tensorProto("", data, dims ?? [data.length]) };
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  return "uint8";
}

function tensorProto(name: string, data: TensorData, dims: number[], dtype: DType = dtypeOf(data)): onnxProto.onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`tensor ${name || "(attribute)"}: ${data.length} values do not fill dims [${dims.join(", ")}]`);
  // Copy so the proto owns exactly these bytes (a view's buffer may be larger or shared).
  const rawData = new Uint8Array(data.byteLength);
  rawData.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dims, dataType: DATA_TYPE[dtype], rawData };
}

function attributeProto(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; wrap floats in float()`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`attribute ${name}: not all integers; wrap float lists in floats()`);
    return { name, type: T.INTS, ints: value };
  }
  if (value.kind === "float") return { name, type: T.FLOAT, f: value.value };
  if (value.kind === "floats") return { name, type: T.FLOATS, floats: value.value };
  return { name, type: T.TENSOR, t: value.value };
}

function valueInfo(name: string, dtype: DType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[dtype],
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly docString = "",
  ) {}

  /** A name not used yet in this graph, built from `base` ("Mul" → "Mul_0", "Mul_1", ...). */
  fresh(base: string): string {
    let n = this.counters.get(base) ?? 0;
    let candidate = `${base}_${n}`;
    while (this.used.has(candidate)) candidate = `${base}_${++n}`;
    this.counters.set(base, n + 1);
    this.used.add(candidate);
    return candidate;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`graph ${this.name}: the name "${name}" is already used`);
    this.used.add(name);
    return name;
  }

  input(name: string, dtype: DType, dims: Dim[]): Value {
    this.inputs.push(valueInfo(this.claim(name), dtype, dims));
    return { name };
  }

  /** Declares `value` as a graph output called `name` (through an Identity node when it already has another name). */
  output(value: Value, name: string, dtype: DType, dims: Dim[]): void {
    if (value.name !== name) {
      this.claim(name);
      this.nodes.push({ opType: "Identity", input: [value.name], output: [name], name: this.fresh("Identity") });
    }
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** An initializer holding `data`; `dims` defaults to a 1-D tensor of its length. `dtype` "bool" stores a Uint8Array as booleans. */
  const(data: TensorData, dims?: number[], dtype?: DType): Value {
    const name = this.fresh("const");
    this.initializers.push(tensorProto(name, data, dims ?? [data.length], dtype ?? dtypeOf(data)));
    return { name };
  }

  /** A float32 constant: a scalar (`dims` [] by default) or a list. */
  float(values: number | ArrayLike<number>, dims?: number[]): Value {
    if (typeof values === "number") return this.const(new Float32Array([values]), dims ?? []);
    return this.const(Float32Array.from(values), dims);
  }

  /** An int64 constant: a scalar (`dims` [] by default) or a list. */
  int64(values: number | bigint | ArrayLike<number | bigint>, dims?: number[]): Value {
    if (typeof values === "number" || typeof values === "bigint") return this.const(new BigInt64Array([BigInt(values)]), dims ?? []);
    return this.const(BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);
  }

  /** Adds one node and returns its only output. Pass `""` for an optional input that is left out. */
  op(opType: string, inputs: (Value | "")[], attrs: Attrs = {}): Value {
    const [out] = this.ops(opType, inputs, 1, attrs);
    return out as Value;
  }

  /** Adds one node with `outputs` outputs (Split, TopK, ...). */
  ops(opType: string, inputs: (Value | "")[], outputs: number, attrs: Attrs = {}): Value[] {
    const outNames = Array.from({ length: outputs }, () => this.fresh(opType));
    const attribute = Object.entries(attrs).flatMap(([k, v]) => (v === undefined ? [] : [attributeProto(k, v)]));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: inputs.map((v) => (v === "" ? "" : v.name)),
      output: outNames,
      attribute,
    });
    return outNames.map((name) => ({ name }));
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The serialized ModelProto (IR 8, default-domain opset 17). */
  encode(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: "", version: OPSET_VERSION }],
      producerName: "mini-studio",
      producerVersion: "1",
      docString: this.docString,
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Decodes model bytes (for tests and tools that inspect a generated model). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
