/**
 * A second generated bank for pipeline tests: the default voice's sound behind every optional
 * DiffSinger input, each of which changes the output, so a test can prove the pipeline feeds exactly
 * what the model declares, with the right values.
 *
 * Inputs: tokens, durations, f0 (as the default voice) plus languages int64 [1,N],
 * spk_embed float32 [1,T,256], steps int64 [] and depth float32 [] (scalars, as a continuous-
 * acceleration export takes them).
 * Output: mel float32 [1,T,128] in log10 (dsconfig `mel_base: "10"`), while the bundled vocoder
 * reads natural log, so the pipeline has to convert.
 *
 * In natural-log terms the output is the default voice's mel for the same phonemes, plus
 *   TEST_VOICE.effects.languageMismatch        on frames whose token's `languages` id differs from
 *                                              the language of its phoneme (0 for SP, AP, <PAD>);
 *   ln(max(a + b, 1e-3)) + b · tenorTilt[bin]  where a, b are spk_embed's projections on the alto and
 *                                              tenor embeddings (alto → a = 1, b = 0; tenor → a = 0, b = 1);
 *   steps·w.steps + depth·w.depth                      the same for every bin and frame.
 */
import { GraphBuilder } from "../onnx/graph";
import { opsFor } from "../onnx/ops";
import { acousticCore } from "./acoustic-graph";
import { type DefaultPhoneme, PHONEME_ORDER, phonemeId } from "./formants";
import { NUM_MEL_BINS } from "./mel";
import { mulberry32 } from "@mini-studio/audio";

const JA_PHONEMES: Record<string, DefaultPhoneme> = {
  a: "aa",
  i: "iy",
  u: "uw",
  e: "eh",
  o: "ao",
  k: "k",
  s: "s",
  t: "t",
  n: "n",
  m: "m",
  r: "r",
};

export const TEST_VOICE = {
  languages: { en: 1, ja: 2 } as Record<string, number>,
  speakers: ["alto", "tenor"] as const,
  hiddenSize: 256,
  maxDepth: 0.6,
  effects: {
    /** ln-mel added where a token's language id is wrong (≈ −26 dB). */
    languageMismatch: -3,
    /** ln-mel added per unit of each scalar input. */
    steps: 0.01,
    depth: 0.5,
    /** ln-mel added at the top bin for the tenor (falling linearly from 0 at bin 0): a darker voice. */
    tenorTilt: -1.5,
  },
} as const;

/** The test voice's phonemes.json: <PAD> 0, AP 1, SP 2, then en/… and ja/… (ids do not follow the default voice's). */
export function testVoicePhonemes(): Record<string, number> {
  const names = ["<PAD>", "AP", "SP", ...PHONEME_ORDER.filter((p) => p !== "AP").map((p) => `en/${p}`), ...Object.keys(JA_PHONEMES).map((p) => `ja/${p}`)];
  return Object.fromEntries(names.map((name, id) => [name, id]));
}

function soundOf(name: string): DefaultPhoneme {
  if (name === "<PAD>") return "SP";
  const [lang, phone] = name.includes("/") ? (name.split("/") as [string, string]) : ["", name];
  if (lang === "ja") return JA_PHONEMES[phone] as DefaultPhoneme;
  return phone as DefaultPhoneme;
}

function languageOf(name: string): number {
  const lang = name.includes("/") ? (name.split("/")[0] as string) : "";
  return TEST_VOICE.languages[lang] ?? 0;
}

/** Deterministic speaker embeddings, orthogonal, so each projects to 1 on itself and 0 on the other. */
export function testSpeakerEmbeddings(): Record<(typeof TEST_VOICE.speakers)[number], Float32Array> {
  const n = TEST_VOICE.hiddenSize;
  const next = mulberry32(0x51ee);
  const alto = Float32Array.from({ length: n }, () => next() * 2 - 1);
  const raw = Float32Array.from({ length: n }, () => next() * 2 - 1);
  // Gram–Schmidt: make tenor orthogonal to alto (in float64, then stored as float32).
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    dot += (alto[i] as number) * (raw[i] as number);
    norm += (alto[i] as number) ** 2;
  }
  const tenor = Float32Array.from(raw, (x, i) => x - (dot / norm) * (alto[i] as number));
  return { alto, tenor };
}

export function buildTestAcousticGraph(): GraphBuilder {
  const g = new GraphBuilder("mini_studio_test_acoustic", "Mini Studio test voice: every optional input changes the output (generated)");
  const o = opsFor(g);
  const H = TEST_VOICE.hiddenSize;
  const tokens = o.squeeze(g.input("tokens", "int64", [1, "n_tokens"]), [0]);
  const durations = o.squeeze(g.input("durations", "int64", [1, "n_tokens"]), [0]);
  const f0 = o.squeeze(g.input("f0", "float32", [1, "n_frames"]), [0]);
  const languages = o.squeeze(g.input("languages", "int64", [1, "n_tokens"]), [0]);
  const spk = o.squeeze(g.input("spk_embed", "float32", [1, "n_frames", H]), [0]); // [T,H]
  const steps = g.input("steps", "int64", []);
  const depth = g.input("depth", "float32", []);

  const names = Object.entries(testVoicePhonemes()).sort((a, b) => a[1] - b[1]).map(([name]) => name);
  const toDefault = g.int64(names.map((name) => phonemeId(soundOf(name))));
  const languageOfToken = g.int64(names.map(languageOf));
  const { mel, regulation } = acousticCore(g, o, o.gather(toDefault, tokens), durations, f0); // [1,T,128]

  const wrongLanguage = o.cast(o.not(o.equal(languages, o.gather(languageOfToken, tokens))), "float32"); // [N]
  const languageTerm = o.mul(o.unsqueeze(o.gather(wrongLanguage, regulation.tokenOfFrame), [0, 2]), g.float(TEST_VOICE.effects.languageMismatch));

  const { alto, tenor } = testSpeakerEmbeddings();
  const dual = new Float32Array(H * 2);
  const norm = (v: Float32Array) => v.reduce((s, x) => s + x * x, 0);
  for (let i = 0; i < H; i++) {
    dual[i * 2] = (alto[i] as number) / norm(alto);
    dual[i * 2 + 1] = (tenor[i] as number) / norm(tenor);
  }
  const ab = o.matmul(spk, g.const(dual, [H, 2])); // [T,2]
  const a = o.slice(ab, 0, 1, 1);
  const b = o.slice(ab, 1, 2, 1);
  const level = o.log(o.max(o.add(a, b), g.float(1e-3))); // [T,1]
  const tilt = g.float(Float32Array.from({ length: NUM_MEL_BINS }, (_, j) => (TEST_VOICE.effects.tenorTilt * j) / (NUM_MEL_BINS - 1)), [1, NUM_MEL_BINS]);
  const speakerTerm = o.unsqueeze(o.add(level, o.mul(b, tilt)), [0]); // [1,T,128]

  const w = TEST_VOICE.effects;
  const scalarTerm = o.add(o.mul(o.cast(steps, "float32"), g.float(w.steps)), o.mul(depth, g.float(w.depth)));

  const ln = o.add(o.add(mel, languageTerm), o.add(speakerTerm, scalarTerm));
  g.output(o.mul(ln, g.float(1 / Math.LN10)), "mel", "float32", [1, "n_frames", NUM_MEL_BINS]);
  return g;
}

export function buildTestAcousticModel(): Uint8Array {
  return buildTestAcousticGraph().encode();
}
