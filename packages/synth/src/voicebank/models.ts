/**
 * Opening the ONNX models and checking that their inputs are the ones dsconfig.yaml promises.
 * The tensor names are those of openvpi/DiffSinger's exporters (deployment/exporters/
 * acoustic_exporter.py) as OpenUtau feeds them (DiffSingerRenderer.cs).
 */
import { InferenceSession } from "onnxruntime-node";
import { broken } from "./files";

export type TensorInfo = { type: string; dims: (number | string)[] };

export type OpenedModel = {
  session: InferenceSession;
  inputs: Record<string, TensorInfo>;
  outputs: Record<string, TensorInfo>;
};

/** The dsconfig.yaml switches that decide which inputs the acoustic model takes. */
export type DsConfigSwitches = {
  useLangId: boolean;
  useKeyShiftEmbed: boolean;
  useSpeedEmbed: boolean;
  useEnergyEmbed: boolean;
  useBreathinessEmbed: boolean;
  useVoicingEmbed: boolean;
  useTensionEmbed: boolean;
  useContinuousAcceleration: boolean;
  /** use_variable_depth, or its older name use_shallow_diffusion. */
  useVariableDepth: boolean;
};

/** The switches, and whether the bank has speakers: what decides the acoustic model's inputs. */
export type AcousticSwitches = DsConfigSwitches & { hasSpeakers: boolean };

function describe(meta: readonly InferenceSession.ValueMetadata[]): Record<string, TensorInfo> {
  const out: Record<string, TensorInfo> = {};
  for (const m of meta) {
    out[m.name] = m.isTensor ? { type: m.type, dims: [...m.shape] } : { type: "non-tensor", dims: [] };
  }
  return out;
}

export async function openModel(voice: string, path: string, label: string, options: InferenceSession.SessionOptions = {}): Promise<OpenedModel> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path, options);
  } catch (e) {
    throw broken(voice, `${label} is not a model onnxruntime can open: ${(e as Error).message}`, { file: label });
  }
  return { session, inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
}

type Expected = { type: string; why: string };

/** Each input the acoustic model must have, with its type and the dsconfig.yaml reason for it. */
export function expectedAcousticInputs(s: AcousticSwitches): Map<string, Expected> {
  const e = new Map<string, Expected>([
    ["tokens", { type: "int64", why: "always" }],
    ["durations", { type: "int64", why: "always" }],
    ["f0", { type: "float32", why: "always" }],
  ]);
  if (s.useLangId) e.set("languages", { type: "int64", why: "use_lang_id: true" });
  // OpenUtau: continuous acceleration (reflow exports) takes `steps` and a float `depth`; the
  // older DDPM exports take `speedup` and an integer `depth` in steps out of 1000.
  if (s.useContinuousAcceleration) {
    e.set("steps", { type: "int64", why: "use_continuous_acceleration: true" });
    if (s.useVariableDepth) e.set("depth", { type: "float32", why: "use_variable_depth: true" });
  } else {
    e.set("speedup", { type: "int64", why: "use_continuous_acceleration: false" });
    if (s.useVariableDepth) e.set("depth", { type: "int64", why: "use_variable_depth: true" });
  }
  if (s.hasSpeakers) e.set("spk_embed", { type: "float32", why: "speakers is set" });
  if (s.useKeyShiftEmbed) e.set("gender", { type: "float32", why: "use_key_shift_embed: true" });
  if (s.useSpeedEmbed) e.set("velocity", { type: "float32", why: "use_speed_embed: true" });
  if (s.useEnergyEmbed) e.set("energy", { type: "float32", why: "use_energy_embed: true" });
  if (s.useBreathinessEmbed) e.set("breathiness", { type: "float32", why: "use_breathiness_embed: true" });
  if (s.useVoicingEmbed) e.set("voicing", { type: "float32", why: "use_voicing_embed: true" });
  if (s.useTensionEmbed) e.set("tension", { type: "float32", why: "use_tension_embed: true" });
  return e;
}

/** Throws BROKEN_VOICEBANK listing missing, unexpected and wrongly typed inputs together. */
function checkInputs(
  voice: string,
  label: string,
  actual: Record<string, TensorInfo>,
  expected: Map<string, Expected>,
  hint: string,
): void {
  const missing = [...expected.keys()].filter((name) => !(name in actual));
  const unexpected = Object.keys(actual).filter((name) => !expected.has(name));
  const wrongType = [...expected]
    .filter(([name, exp]) => actual[name] && actual[name].type !== exp.type)
    .map(([name, exp]) => `${name} is ${actual[name]?.type}, expected ${exp.type}`);
  if (missing.length === 0 && unexpected.length === 0 && wrongType.length === 0) return;
  const parts: string[] = [];
  if (missing.length > 0) {
    const reasons = missing.map((n) => {
      const why = expected.get(n)?.why;
      return why && why !== "always" ? `${n} (${why})` : n;
    });
    parts.push(`missing inputs: ${reasons.join(", ")}`);
  }
  if (unexpected.length > 0) parts.push(`unexpected inputs: ${unexpected.join(", ")}`);
  if (wrongType.length > 0) parts.push(`wrong input types: ${wrongType.join("; ")}`);
  throw broken(voice, `${label} does not have the inputs ${hint}: ${parts.join("; ")} (it has: ${Object.keys(actual).join(", ")})`, {
    file: label,
    missing,
    unexpected,
    wrongType,
  });
}

function checkOutput(voice: string, label: string, model: OpenedModel, name: string, bins: number | null): void {
  const out = model.outputs[name];
  if (!out) {
    throw broken(voice, `${label} has no output named ${name} (outputs: ${Object.keys(model.outputs).join(", ")})`, {
      file: label,
      missing: [name],
    });
  }
  if (out.type !== "float32") throw broken(voice, `${label}: output ${name} is ${out.type}, expected float32`, { file: label });
  const last = out.dims.at(-1);
  if (bins !== null && typeof last === "number" && last !== bins) {
    throw broken(voice, `${label} outputs ${last} mel bins, but dsconfig.yaml has num_mel_bins: ${bins}`, { file: label });
  }
}

export function checkAcousticModel(voice: string, label: string, model: OpenedModel, s: AcousticSwitches, bins: number): void {
  checkInputs(voice, label, model.inputs, expectedAcousticInputs(s), "dsconfig.yaml declares");
  checkOutput(voice, label, model, "mel", bins);
}

export function checkVocoderModel(voice: string, label: string, model: OpenedModel, bins: number, yamlLabel: string): void {
  const expected = new Map<string, Expected>([
    ["mel", { type: "float32", why: "always" }],
    ["f0", { type: "float32", why: "always" }],
  ]);
  checkInputs(voice, label, model.inputs, expected, "of a DiffSinger vocoder");
  const melBins = model.inputs.mel?.dims.at(-1);
  if (typeof melBins === "number" && melBins !== bins) {
    throw broken(voice, `${label} reads ${melBins} mel bins, but ${yamlLabel} has num_mel_bins: ${bins}`, { file: label });
  }
  checkOutput(voice, label, model, "waveform", null);
}
