/**
 * Tiny ONNX models and voicebank folders for tests. The models have the input and output names of
 * real DiffSinger exports (openvpi/DiffSinger deployment/exporters/acoustic_exporter.py) but compute
 * something trivial: the mel repeats f0 across the bins and the waveform repeats f0 `hop` times per
 * frame, so a test can check that its tensors went through.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export type TinyTensor = { name: string; type: "int64" | "float32"; dims: (number | string)[] };

/** The optional acoustic inputs with the shapes real exports give them. */
export const ACOUSTIC_OPTIONAL_INPUTS: Record<string, TinyTensor> = {
  languages: { name: "languages", type: "int64", dims: [1, "n_tokens"] },
  speedup: { name: "speedup", type: "int64", dims: [] },
  steps: { name: "steps", type: "int64", dims: [] },
  depth: { name: "depth", type: "float32", dims: [] },
  spk_embed: { name: "spk_embed", type: "float32", dims: [1, "n_frames", 4] },
  gender: { name: "gender", type: "float32", dims: [1, "n_frames"] },
  velocity: { name: "velocity", type: "float32", dims: [1, "n_frames"] },
  energy: { name: "energy", type: "float32", dims: [1, "n_frames"] },
  breathiness: { name: "breathiness", type: "float32", dims: [1, "n_frames"] },
  voicing: { name: "voicing", type: "float32", dims: [1, "n_frames"] },
  tension: { name: "tension", type: "float32", dims: [1, "n_frames"] },
};

const ELEM = { int64: onnx.TensorProto.DataType.INT64, float32: onnx.TensorProto.DataType.FLOAT };

function valueInfo(t: TinyTensor): onnxProto.onnx.IValueInfoProto {
  return {
    name: t.name,
    type: {
      tensorType: {
        elemType: ELEM[t.type],
        shape: { dim: t.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function int64Constant(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return {
    name,
    dataType: onnx.TensorProto.DataType.INT64,
    dims: [values.length],
    rawData: new Uint8Array(data.buffer),
  };
}

/**
 * A graph whose only computation is `out = Expand(Unsqueeze(source, [2]), [1, 1, width])`, then
 * optionally flattened to [1, T*width]. Every other input is declared but unused (onnxruntime
 * keeps unused graph inputs in `inputNames`).
 */
function repeatModel(opts: {
  inputs: TinyTensor[];
  source: string;
  width: number;
  output: TinyTensor;
  flatten: boolean;
}): Uint8Array {
  const expanded = opts.flatten ? "expanded" : opts.output.name;
  const nodes: onnxProto.onnx.INodeProto[] = [
    { opType: "Unsqueeze", input: [opts.source, "axes2"], output: ["column"] },
    { opType: "Expand", input: ["column", "width_shape"], output: [expanded] },
  ];
  const initializer = [int64Constant("axes2", [2]), int64Constant("width_shape", [1, 1, opts.width])];
  if (opts.flatten) {
    nodes.push({ opType: "Reshape", input: [expanded, "flat_shape"], output: [opts.output.name] });
    initializer.push(int64Constant("flat_shape", [1, -1]));
  }
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "mini-studio-tests",
    graph: {
      name: "tiny",
      node: nodes,
      initializer,
      input: opts.inputs.map(valueInfo),
      output: [valueInfo(opts.output)],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

export type TinyAcousticOptions = {
  /** Names from ACOUSTIC_OPTIONAL_INPUTS to add after tokens, durations and f0. */
  extra?: string[];
  /** Replace an input's spec (e.g. `speedup` as [1] instead of a scalar), or add one of any name. */
  override?: TinyTensor[];
  /** Rename inputs, e.g. `{ tokens: "phonemes" }`, to build a model the loader must refuse. */
  rename?: Record<string, string>;
  bins?: number;
  outputName?: string;
};

export function tinyAcousticModel(opts: TinyAcousticOptions = {}): Uint8Array {
  const bins = opts.bins ?? 128;
  const specs: TinyTensor[] = [
    { name: "tokens", type: "int64", dims: [1, "n_tokens"] },
    { name: "durations", type: "int64", dims: [1, "n_tokens"] },
    { name: "f0", type: "float32", dims: [1, "n_frames"] },
  ];
  for (const name of opts.extra ?? []) {
    const spec = ACOUSTIC_OPTIONAL_INPUTS[name];
    if (!spec) throw new Error(`no tiny spec for acoustic input ${name}`);
    specs.push(spec);
  }
  for (const o of opts.override ?? []) {
    const at = specs.findIndex((s) => s.name === o.name);
    if (at >= 0) specs[at] = o;
    else specs.push(o);
  }
  const inputs = specs.map((s) => ({ ...s, name: opts.rename?.[s.name] ?? s.name }));
  return repeatModel({
    inputs,
    source: opts.rename?.f0 ?? "f0",
    width: bins,
    output: { name: opts.outputName ?? "mel", type: "float32", dims: [1, "n_frames", bins] },
    flatten: false,
  });
}

export function tinyVocoderModel(
  opts: { bins?: number; hop?: number; rename?: Record<string, string>; outputName?: string } = {},
): Uint8Array {
  const bins = opts.bins ?? 128;
  const name = (n: string) => opts.rename?.[n] ?? n;
  return repeatModel({
    inputs: [
      { name: name("mel"), type: "float32", dims: [1, "n_frames", bins] },
      { name: name("f0"), type: "float32", dims: [1, "n_frames"] },
    ],
    source: name("f0"),
    width: opts.hop ?? 512,
    output: { name: opts.outputName ?? "waveform", type: "float32", dims: [1, "n_samples"] },
    flatten: true,
  });
}

export type TinyBankSpec = {
  /** File name → contents (string or bytes); `null` leaves a default file out. */
  files?: Record<string, string | Uint8Array | null>;
  /** Extra dsconfig.yaml lines (YAML text appended after the defaults, which it may override). */
  dsconfig?: Record<string, unknown>;
  acoustic?: TinyAcousticOptions;
  /** vocoder.yaml fields of the bank's own dsvocoder/ folder; `null` for a bank without one. */
  vocoder?: Record<string, unknown> | null;
};

/** The phonemes of the default bank's phonemes.txt, in id order. */
export const TINY_PHONEMES = ["<PAD>", "AP", "SP", "aa", "ah", "b", "hh", "l", "ow", "iy"];

/** The mel settings the tiny acoustic model and its vocoder agree on. */
const TINY_MEL = {
  sample_rate: 44100,
  hop_size: 512,
  win_size: 2048,
  fft_size: 2048,
  num_mel_bins: 128,
  mel_fmin: 40,
  mel_fmax: 16000,
  mel_base: "e",
  mel_scale: "slaney",
};

/**
 * Writes a complete, valid bank into `dir` (txt inventory, dsdict.yaml, its own dsvocoder/) and
 * applies the spec's changes on top.
 */
export async function writeTinyBank(dir: string, spec: TinyBankSpec = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dsconfig: Record<string, unknown> = {
    phonemes: "phonemes.txt",
    acoustic: "acoustic.onnx",
    vocoder: "nsf_hifigan",
    use_key_shift_embed: false,
    use_speed_embed: false,
    use_continuous_acceleration: true,
    use_variable_depth: false,
    ...TINY_MEL,
    ...spec.dsconfig,
  };
  const files: Record<string, string | Uint8Array | null> = {
    "character.txt": "name=Tiny Singer\nauthor=Test Author\nimage=icon.png\n",
    "icon.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    "dsconfig.yaml": toYaml(dsconfig),
    "phonemes.txt": TINY_PHONEMES.join("\n") + "\n",
    "dsdict.yaml": "symbols:\n  - {symbol: aa, type: vowel}\n  - {symbol: b, type: stop}\nreplacements:\n  - {from: ax, to: ah}\n",
    "acoustic.onnx": tinyAcousticModel({ extra: ["steps"], ...spec.acoustic }),
  };
  if (spec.vocoder !== null) {
    files["dsvocoder/vocoder.yaml"] = toYaml({
      name: "tiny-vocoder",
      model: "vocoder.onnx",
      ...TINY_MEL,
      ...spec.vocoder,
    });
    files["dsvocoder/vocoder.onnx"] = tinyVocoderModel();
  }
  Object.assign(files, spec.files);
  for (const [name, contents] of Object.entries(files)) {
    if (contents === null) continue;
    const path = join(dir, name);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, contents);
  }
}

/** JSON is valid YAML; it keeps the writer free of YAML quoting rules. */
function toYaml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join("\n") + "\n";
}
