import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DEFAULT_VOICE_VERSION,
  ensureDefaultVoice,
  writeDefaultVoice,
  writeTestVoice,
} from "./default-voice";
import { DEFAULT_PHONEMES, phonemeId } from "./formants";
import { NUM_MEL_BINS } from "./mel";
import { TEST_VOICE, testSpeakerEmbeddings } from "./test-voice-graph";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mini-studio-voice-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (dir: string, file: string) => readFile(join(dir, file), "utf8");
const i64 = (values: number[], dims = [1, values.length]) => new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), dims);
const f32 = (values: Float32Array, dims: number[]) => new ort.Tensor("float32", values, dims);

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)])));
  return nested.flat().sort();
}

describe("writeDefaultVoice", () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(root, "written", "default");
    await writeDefaultVoice(dir);
  });

  it("writes every file of a DiffSinger bank with a bundled vocoder, and nothing left over", async () => {
    expect(await listFiles(dir)).toEqual(
      ["acoustic.onnx", "character.txt", "character.yaml", "dsconfig.yaml", "dsdict.yaml", "dsvocoder/vocoder.onnx", "dsvocoder/vocoder.yaml", "phonemes.txt", "version"].sort(),
    );
    expect(await readdir(join(root, "written"))).toEqual(["default"]);
  });

  it("describes the voice, its phonemes and matching mel settings", async () => {
    const character = parse(await read(dir, "character.yaml"));
    expect(character).toMatchObject({ name: "Mini Studio Default", author: "Mini Studio", languages: ["en"] });
    const config = parse(await read(dir, "dsconfig.yaml"));
    const vocoder = parse(await read(dir, "dsvocoder/vocoder.yaml"));
    expect(config).toMatchObject({ phonemes: "phonemes.txt", acoustic: "acoustic.onnx", use_lang_id: false, mel_base: "e" });
    expect(vocoder).toMatchObject({ model: "vocoder.onnx", sample_rate: 44100, hop_size: 512, win_size: 2048, fft_size: 2048, num_mel_bins: 128, mel_fmin: 40, mel_fmax: 16000, mel_base: "e", mel_scale: "slaney" });
    for (const key of ["sample_rate", "hop_size", "win_size", "fft_size", "num_mel_bins", "mel_fmin", "mel_fmax", "mel_scale"]) expect(config[key], key).toBe(vocoder[key]);
    for (const optional of ["speakers", "use_variable_depth", "use_key_shift_embed", "use_speed_embed"]) expect(config[optional]).toBeUndefined();
    expect((await read(dir, "phonemes.txt")).trimEnd().split("\n")).toEqual([...DEFAULT_PHONEMES]);
    const dict = parse(await read(dir, "dsdict.yaml"));
    expect(dict.entries).toEqual([]);
    expect(dict.symbols).toContainEqual({ symbol: "aa", type: "vowel" });
    expect((await read(dir, "version")).trim()).toBe(DEFAULT_VOICE_VERSION);
  });

  it("writes models that load and sing: tokens → mel → waveform", async () => {
    const acoustic = await ort.InferenceSession.create(join(dir, "acoustic.onnx"));
    const vocoder = await ort.InferenceSession.create(join(dir, "dsvocoder/vocoder.onnx"));
    expect(acoustic.inputNames).toEqual(["tokens", "durations", "f0", "speedup"]);
    expect(acoustic.outputNames).toEqual(["mel"]);
    expect(vocoder.inputNames).toEqual(["mel", "f0"]);
    expect(vocoder.outputNames).toEqual(["waveform"]);
    const f0 = f32(new Float32Array(30).fill(262), [1, 30]);
    const { mel } = await acoustic.run({ tokens: i64([0, phonemeId("l"), phonemeId("aa"), 0]), durations: i64([5, 5, 15, 5]), f0, speedup: i64([10], []) });
    const { waveform } = await vocoder.run({ mel: mel!, f0 });
    expect(waveform!.dims).toEqual([1, 30 * 512]);
    const samples = waveform!.data as Float32Array;
    expect(samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0)).toBeGreaterThan(0.05);
  });
});

describe("ensureDefaultVoice", () => {
  it("generates the bank when missing, keeps it while current, and regenerates it on a version change", async () => {
    const voices = join(root, "voices");
    const first = await ensureDefaultVoice(voices);
    expect(first).toEqual({ dir: join(voices, "default"), generated: true });
    const model = join(first.dir, "acoustic.onnx");
    const before = (await stat(model)).mtimeMs;

    expect(await ensureDefaultVoice(voices)).toEqual({ dir: first.dir, generated: false });
    expect((await stat(model)).mtimeMs).toBe(before);

    await writeFile(join(first.dir, "version"), "0-old\n");
    await writeFile(model, "stale");
    expect((await ensureDefaultVoice(voices)).generated).toBe(true);
    expect((await read(first.dir, "version")).trim()).toBe(DEFAULT_VOICE_VERSION);
    await expect(ort.InferenceSession.create(model)).resolves.toBeDefined();
    expect((await readdir(voices)).filter((name) => name !== "default")).toEqual([]);
  });

  it("regenerates a bank whose models were deleted although its marker is current", async () => {
    const voices = join(root, "voices-emptied");
    const { dir } = await ensureDefaultVoice(voices);
    await rm(join(dir, "dsvocoder"), { recursive: true });
    expect((await ensureDefaultVoice(voices)).generated).toBe(true);
    expect((await stat(join(dir, "dsvocoder", "vocoder.onnx"))).size).toBeGreaterThan(0);
  });

  it("shares one generation between concurrent calls", async () => {
    const voices = join(root, "voices-concurrent");
    const results = await Promise.all([ensureDefaultVoice(voices), ensureDefaultVoice(voices)]);
    expect(results[0]).toBe(results[1]);
    expect(results[0]?.generated).toBe(true);
    expect(await readdir(voices)).toEqual(["default"]);
  });
});

describe("writeTestVoice", () => {
  let dir: string;
  let acoustic: ort.InferenceSession;
  let reference: ort.InferenceSession;
  let phonemes: Record<string, number>;
  beforeAll(async () => {
    dir = join(root, "test-voice");
    await writeTestVoice(dir);
    await writeDefaultVoice(join(root, "reference"));
    acoustic = await ort.InferenceSession.create(join(dir, "acoustic.onnx"));
    reference = await ort.InferenceSession.create(join(root, "reference", "acoustic.onnx"));
    phonemes = JSON.parse(await read(dir, "phonemes.json"));
  });

  it("declares every optional input in dsconfig and writes its files", async () => {
    const config = parse(await read(dir, "dsconfig.yaml"));
    expect(config).toMatchObject({
      phonemes: "phonemes.json",
      languages: "languages.json",
      use_lang_id: true,
      speakers: ["alto", "tenor"],
      hidden_size: 256,
      use_variable_depth: true,
      max_depth: TEST_VOICE.maxDepth,
      mel_base: "10",
    });
    expect(parse(await read(dir, "dsvocoder/vocoder.yaml")).mel_base).toBe("e");
    expect(JSON.parse(await read(dir, "languages.json"))).toEqual({ en: 1, ja: 2 });
    expect(phonemes).toMatchObject({ "<PAD>": 0, AP: 1, SP: 2 });
    expect(phonemes["en/aa"]).toBeGreaterThan(2);
    expect(phonemes["aa"]).toBeUndefined();
    for (const speaker of ["alto", "tenor"]) expect((await stat(join(dir, `${speaker}.emb`))).size).toBe(256 * 4);
  });

  it("requires each declared input with its exact type and shape", () => {
    const inputs = Object.fromEntries(acoustic.inputMetadata.map((m) => [m.name, m.isTensor ? [m.type, m.shape] : null]));
    expect(inputs).toEqual({
      tokens: ["int64", [1, "n_tokens"]],
      durations: ["int64", [1, "n_tokens"]],
      f0: ["float32", [1, "n_frames"]],
      languages: ["int64", [1, "n_tokens"]],
      spk_embed: ["float32", [1, "n_frames", 256]],
      steps: ["int64", []],
      depth: ["float32", []],
    });
  });

  describe("its acoustic output", () => {
    const frames = 24;
    const durations = [4, 16, 4];
    const f0 = f32(new Float32Array(frames).fill(220), [1, frames]);
    const embed = (speaker: "alto" | "tenor" | null) => {
      const data = new Float32Array(frames * 256);
      if (speaker) for (let t = 0; t < frames; t++) data.set(testSpeakerEmbeddings()[speaker], t * 256);
      return f32(data, [1, frames, 256]);
    };
    async function run(overrides: { languages?: number[]; speaker?: "alto" | "tenor" | null; steps?: number; depth?: number } = {}) {
      const out = await acoustic.run({
        tokens: i64([phonemes["SP"]!, phonemes["en/aa"]!, phonemes["SP"]!]),
        durations: i64(durations),
        f0,
        languages: i64(overrides.languages ?? [0, 1, 0]),
        spk_embed: embed(overrides.speaker === undefined ? "alto" : overrides.speaker),
        steps: i64([overrides.steps ?? 0], []),
        depth: f32(new Float32Array([overrides.depth ?? 0]), []),
      });
      return out.mel!.data as Float32Array;
    }
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] as number))), 0);

    it("is the default voice's mel in log10 when every input carries its neutral value", async () => {
      const expected = (await reference.run({ tokens: i64([0, phonemeId("aa"), 0]), durations: i64(durations), f0, speedup: i64([10], []) })).mel!.data as Float32Array;
      const mel = await run();
      expect(mel.length).toBe(frames * NUM_MEL_BINS);
      expect(maxDiff(mel, expected.map((x) => x / Math.LN10))).toBeLessThan(1e-4);
    });

    it("changes when any one input is fed a wrong value", async () => {
      const neutral = await run();
      const variants = {
        language: await run({ languages: [0, 2, 0] }),
        speaker: await run({ speaker: "tenor" }),
        noSpeaker: await run({ speaker: null }),
        steps: await run({ steps: 20 }),
        depth: await run({ depth: 0.6 }),
      };
      for (const [name, mel] of Object.entries(variants)) expect(maxDiff(mel, neutral), name).toBeGreaterThan(0.005);
    });

    it("darkens the tenor towards the top bins, by the documented tilt", async () => {
      const alto = await run();
      const tenor = await run({ speaker: "tenor" });
      const t = 12;
      const at = (mel: Float32Array, bin: number) => mel[t * NUM_MEL_BINS + bin] as number;
      expect(at(tenor, 0) - at(alto, 0)).toBeCloseTo(0, 3);
      expect((at(tenor, NUM_MEL_BINS - 1) - at(alto, NUM_MEL_BINS - 1)) * Math.LN10).toBeCloseTo(TEST_VOICE.effects.tenorTilt, 2);
    });
  });
});
