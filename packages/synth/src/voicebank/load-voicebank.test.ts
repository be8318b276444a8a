import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SynthError } from "../errors";
import { loadVoicebank, type Voicebank } from "./load-voicebank";
import { LOG10_TO_LN, LN_TO_LOG10 } from "./mel";
import { type TinyBankSpec, tinyAcousticModel, tinyVocoderModel, writeTinyBank } from "./test-models.test-support";

const root = await mkdtemp(join(tmpdir(), "voicebank-load-"));
let counter = 0;
const opened: Voicebank[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.release()));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh voices folder holding one bank built from `spec`; returns the bank's folder. */
async function makeBank(spec: TinyBankSpec = {}, name = "tiny"): Promise<string> {
  const voices = join(root, `voices-${++counter}`);
  const dir = join(voices, name);
  await writeTinyBank(dir, spec);
  return dir;
}

async function load(dir: string): Promise<Voicebank> {
  const bank = await loadVoicebank(dir);
  opened.push(bank);
  return bank;
}

async function brokenReason(dir: string): Promise<SynthError> {
  const error = await loadVoicebank(dir).then(
    async (b) => {
      await b.release();
      throw new Error("the bank loaded");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SynthError);
  expect((error as SynthError).code).toBe("BROKEN_VOICEBANK");
  return error as SynthError;
}

describe("a good bank with a phonemes.txt inventory", () => {
  it("reads the singer, the inventory, the mel settings and its own dsvocoder", async () => {
    const dir = await makeBank();
    const bank = await load(dir);
    expect(bank.name).toBe("tiny");
    expect(bank.displayName).toBe("Tiny Singer");
    expect(bank.author).toBe("Test Author");
    expect(bank.image).toBe(join(dir, "icon.png"));
    expect(bank.phonemes.get("<PAD>")).toBe(0);
    expect(bank.phonemes.get("SP")).toBe(2);
    expect(bank.phonemes.get("iy")).toBe(9);
    expect(bank.mel).toEqual({
      sampleRate: 44100,
      hopSize: 512,
      winSize: 2048,
      fftSize: 2048,
      numMelBins: 128,
      melFmin: 40,
      melFmax: 16000,
      melBase: "e",
      melScale: "slaney",
    });
    expect(bank.melConversion).toBe(1);
    expect(bank.vocoder.name).toBe("tiny-vocoder");
    expect(bank.vocoder.dir).toBe(join(dir, "dsvocoder"));
    expect(bank.languages.size).toBe(0);
    expect(bank.speakers).toEqual([]);
  });

  it("exposes each acoustic input's type and dims, scalars as []", async () => {
    const bank = await load(await makeBank());
    expect(bank.acousticInputs).toEqual({
      tokens: { type: "int64", dims: [1, "n_tokens"] },
      durations: { type: "int64", dims: [1, "n_tokens"] },
      f0: { type: "float32", dims: [1, "n_frames"] },
      steps: { type: "int64", dims: [] },
    });
    expect(bank.vocoder.inputs.mel).toEqual({ type: "float32", dims: [1, "n_frames", 128] });
  });

  it("keeps sessions that run: the acoustic mel feeds the vocoder", async () => {
    const bank = await load(await makeBank());
    const ids = bank.phonemeIds(["SP", "hh", "ow", "SP"]);
    const n = ids.length;
    const f0 = new ort.Tensor("float32", new Float32Array([220, 220, 230, 240, 250, 260]), [1, 6]);
    const { mel } = await bank.acousticSession.run({
      tokens: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, n]),
      durations: new ort.Tensor("int64", BigInt64Array.from([1n, 2n, 2n, 1n]), [1, n]),
      f0,
      steps: new ort.Tensor("int64", BigInt64Array.from([10n]), []),
    });
    expect(mel?.dims).toEqual([1, 6, 128]);
    const { waveform } = await bank.vocoder.session.run({ mel: mel!, f0 });
    expect(waveform?.dims).toEqual([1, 6 * 512]);
  });

  it("uses OpenUtau's defaults for absent mel settings (mel_base 10 on both sides)", async () => {
    const bare = { sample_rate: undefined, hop_size: undefined, mel_base: undefined, mel_fmax: undefined };
    const bank = await load(await makeBank({ dsconfig: bare, vocoder: bare }));
    expect(bank.mel.sampleRate).toBe(44100);
    expect(bank.mel.hopSize).toBe(512);
    expect(bank.mel.melFmax).toBe(16000);
    expect(bank.mel.melBase).toBe("10");
    expect(bank.melConversion).toBe(1);
  });

  it("lets character.yaml override character.txt", async () => {
    const bank = await load(
      await makeBank({ files: { "character.yaml": "name: Yaml Name\nimage: pic.png\nweb: https://example.org\n", "pic.png": "x" } }),
    );
    expect(bank.displayName).toBe("Yaml Name");
    expect(bank.author).toBe("Test Author");
    expect(bank.image?.endsWith("pic.png")).toBe(true);
    expect(bank.character.web).toBe("https://example.org");
  });

  it("reads a Shift-JIS character.txt, and a missing image just leaves no image", async () => {
    // "あ" in Shift-JIS is 0x82 0xA0.
    const sjis = new Uint8Array([...new TextEncoder().encode("name="), 0x82, 0xa0, ...new TextEncoder().encode("\nimage=gone.png\n")]);
    const bank = await load(await makeBank({ files: { "character.txt": sjis } }));
    expect(bank.displayName).toBe("あ");
    expect(bank.image).toBeNull();
  });

  it("falls back to the folder name without character files", async () => {
    const bank = await load(await makeBank({ files: { "character.txt": null } }, "plain-voice"));
    expect(bank.displayName).toBe("plain-voice");
    expect(bank.author).toBeNull();
  });
});

describe("a multi-language, multi-speaker bank with a shared vocoder", () => {
  async function makeMulti(extra: TinyBankSpec = {}): Promise<string> {
    const dir = await makeBank({
      dsconfig: {
        phonemes: "acoustic.phonemes.json",
        languages: "acoustic.languages.json",
        use_lang_id: true,
        speakers: ["acoustic.alice", "acoustic.bob"],
        hidden_size: 4,
        mel_base: "10",
        vocoder: "shared_hifigan",
        use_continuous_acceleration: false,
        use_variable_depth: true,
        max_depth: 400,
        use_energy_embed: true,
      },
      // DDPM exports (no continuous acceleration) take an integer depth, in steps out of 1000.
      acoustic: {
        extra: ["languages", "speedup", "spk_embed", "energy"],
        override: [{ name: "depth", type: "int64", dims: [] }],
      },
      vocoder: null,
      files: {
        "acoustic.phonemes.json": JSON.stringify({ "<PAD>": 0, AP: 1, SP: 2, "en/aa": 3, "en/ah": 4, "en/hh": 5, "ja/a": 6 }),
        "acoustic.languages.json": JSON.stringify({ en: 1, ja: 2 }),
        "acoustic.alice.emb": new Uint8Array(new Float32Array([0.5, -1, 2, 0]).buffer),
        "acoustic.bob.emb": new Uint8Array(new Float32Array([1, 1, 1, 1]).buffer),
        ...extra.files,
      },
      ...(extra.acoustic ? { acoustic: extra.acoustic } : {}),
    });
    const vocoderDir = join(dir, "..", "shared_hifigan");
    await mkdir(vocoderDir, { recursive: true });
    await writeFile(join(vocoderDir, "vocoder.yaml"), 'name: shared\nmodel: shared.onnx\nmel_base: "e"\n');
    await writeFile(join(vocoderDir, "shared.onnx"), tinyVocoderModel());
    return dir;
  }

  it("loads the json inventory, language ids, speakers and the vocoder beside the bank", async () => {
    const dir = await makeMulti();
    const bank = await load(dir);
    expect(bank.phonemes.get("en/hh")).toBe(5);
    expect([...bank.languages]).toEqual([
      ["en", 1],
      ["ja", 2],
    ]);
    expect(bank.speakers.map((s) => s.name)).toEqual(["acoustic.alice", "acoustic.bob"]);
    expect([...bank.speakers[0]!.embedding]).toEqual([0.5, -1, 2, 0]);
    expect(bank.vocoder.name).toBe("shared");
    expect(bank.vocoder.dir).toBe(join(dir, "..", "shared_hifigan"));
    expect(bank.config.useVariableDepth).toBe(true);
    expect(bank.config.maxDepth).toBeCloseTo(0.4);
    expect(bank.acousticInputs.speedup).toEqual({ type: "int64", dims: [] });
  });

  it("converts a log10 acoustic mel for a natural-log vocoder", async () => {
    const bank = await load(await makeMulti());
    expect(bank.mel.melBase).toBe("10");
    expect(bank.vocoder.mel.melBase).toBe("e");
    expect(bank.melConversion).toBe(LOG10_TO_LN);
    expect(LOG10_TO_LN).toBeCloseTo(Math.LN10, 5);
  });

  it("converts the other way for a log10 vocoder", async () => {
    const bank = await load(await makeBank({ dsconfig: { mel_base: "e" }, vocoder: { mel_base: 10 } }));
    expect(bank.melConversion).toBe(LN_TO_LOG10);
    expect(LN_TO_LOG10).toBeCloseTo(1 / Math.LN10, 6);
  });

  it("refuses a speaker embedding of the wrong length", async () => {
    const dir = await makeMulti({ files: { "acoustic.bob.emb": new Uint8Array(new Float32Array([1, 1, 1]).buffer) } });
    expect((await brokenReason(dir)).message).toMatch(/acoustic\.bob\.emb has 3 values, but dsconfig\.yaml has hidden_size 4/);
  });

  it("refuses speaker embeddings of another size than the model's spk_embed", async () => {
    const dir = await makeMulti({
      acoustic: {
        extra: ["languages", "speedup", "energy"],
        override: [
          { name: "depth", type: "int64", dims: [] },
          { name: "spk_embed", type: "float32", dims: [1, "n_frames", 8] },
        ],
      },
    });
    expect((await brokenReason(dir)).message).toMatch(/takes speaker embeddings of 8 values, but the \.emb files have 4/);
  });

  it("refuses an acoustic model without the languages input that use_lang_id needs", async () => {
    const dir = await makeMulti({
      acoustic: { extra: ["speedup", "spk_embed", "energy"], override: [{ name: "depth", type: "int64", dims: [] }] },
    });
    expect((await brokenReason(dir)).message).toMatch(/missing inputs: languages \(use_lang_id: true\)/);
  });
});

describe("missing files", () => {
  const cases: [string, TinyBankSpec, RegExp][] = [
    ["dsconfig.yaml", { files: { "dsconfig.yaml": null } }, /dsconfig\.yaml does not exist/],
    ["the phonemes file", { files: { "phonemes.txt": null } }, /dsconfig\.yaml: phonemes names "phonemes\.txt", which does not exist/],
    ["the acoustic model", { files: { "acoustic.onnx": null } }, /dsconfig\.yaml: acoustic names "acoustic\.onnx", which does not exist/],
    [
      "the vocoder model",
      { files: { "dsvocoder/vocoder.onnx": null } },
      /dsvocoder\/vocoder\.yaml: model names "vocoder\.onnx", which does not exist/,
    ],
    [
      "the vocoder dependency",
      { vocoder: null, dsconfig: { vocoder: "nsf_hifigan" } },
      /dsconfig\.yaml names vocoder "nsf_hifigan" but nsf_hifigan\/vocoder\.yaml does not exist/,
    ],
    [
      "languages.json",
      { dsconfig: { use_lang_id: true, languages: "languages.json" }, acoustic: { extra: ["steps", "languages"] } },
      /dsconfig\.yaml: languages names "languages\.json", which does not exist/,
    ],
    [
      "a speaker embedding",
      { dsconfig: { speakers: ["spk.one"] }, acoustic: { extra: ["steps", "spk_embed"] } },
      /dsconfig\.yaml: speakers\[0\] names "spk\.one\.emb", which does not exist/,
    ],
  ];
  it.each(cases)("names %s", async (_what, spec, reason) => {
    expect((await brokenReason(await makeBank(spec))).message).toMatch(reason);
  });

  it("requires an acoustic field", async () => {
    const reason = await brokenReason(await makeBank({ dsconfig: { acoustic: undefined } }));
    expect(reason.message).toMatch(/dsconfig\.yaml: acoustic: /);
    expect(reason.details?.field).toBe("acoustic");
  });
});

describe("configs with wrong values", () => {
  it("names a field of the wrong type and keeps unknown fields", async () => {
    const reason = await brokenReason(await makeBank({ dsconfig: { hop_size: "512" } }));
    expect(reason.message).toMatch(/dsconfig\.yaml: hop_size: .*expected number/);
    expect(reason.details?.field).toBe("hop_size");
    const bank = await load(await makeBank({ dsconfig: { some_future_field: [1, 2] } }));
    expect(bank.config.raw.some_future_field).toEqual([1, 2]);
  });

  it("refuses a mel_base that is neither e nor 10", async () => {
    expect((await brokenReason(await makeBank({ vocoder: { mel_base: "2" } }))).message).toMatch(
      /dsvocoder\/vocoder\.yaml: mel_base/,
    );
  });

  it("refuses a dsdict.yaml with the wrong structure, naming it", async () => {
    const reason = await brokenReason(await makeBank({ files: { "dsdict.yaml": "replacements:\n  - from: ax\n" } }));
    expect(reason.message).toMatch(/dsdict\.yaml: replacements\.0\.to/);
  });

  it("refuses an inventory without SP", async () => {
    expect((await brokenReason(await makeBank({ files: { "phonemes.txt": "<PAD>\naa\n" } }))).message).toMatch(/no SP phoneme/);
  });
});

describe("models", () => {
  it("refuses a corrupt acoustic model, naming the file", async () => {
    const reason = await brokenReason(await makeBank({ files: { "acoustic.onnx": "not a model" } }));
    expect(reason.message).toMatch(/acoustic\.onnx is not a model onnxruntime can open/);
  });

  it("refuses a corrupt vocoder model", async () => {
    const reason = await brokenReason(await makeBank({ files: { "dsvocoder/vocoder.onnx": new Uint8Array([1, 2, 3]) } }));
    expect(reason.message).toMatch(/dsvocoder\/vocoder\.onnx is not a model onnxruntime can open/);
  });

  it("names missing and unexpected acoustic inputs", async () => {
    const reason = await brokenReason(await makeBank({ acoustic: { extra: ["steps"], rename: { tokens: "phonemes" } } }));
    expect(reason.message).toMatch(/missing inputs: tokens/);
    expect(reason.message).toMatch(/unexpected inputs: phonemes/);
    expect(reason.details).toMatchObject({ missing: ["tokens"], unexpected: ["phonemes"] });
  });

  it("names an input that dsconfig declares and the model lacks, with the reason", async () => {
    const reason = await brokenReason(await makeBank({ dsconfig: { use_breathiness_embed: true } }));
    expect(reason.message).toMatch(/missing inputs: breathiness \(use_breathiness_embed: true\)/);
  });

  it("names an input the model has and dsconfig does not declare", async () => {
    const reason = await brokenReason(await makeBank({ acoustic: { extra: ["steps", "tension"] } }));
    expect(reason.message).toMatch(/unexpected inputs: tension/);
  });

  it("wants speedup, not steps, without continuous acceleration", async () => {
    const reason = await brokenReason(await makeBank({ dsconfig: { use_continuous_acceleration: false } }));
    expect(reason.message).toMatch(/missing inputs: speedup/);
    expect(reason.message).toMatch(/unexpected inputs: steps/);
  });

  it("names an input of the wrong type", async () => {
    const reason = await brokenReason(
      await makeBank({ acoustic: { extra: ["steps"], override: [{ name: "durations", type: "float32", dims: [1, "n_tokens"] }] } }),
    );
    expect(reason.message).toMatch(/durations is float32, expected int64/);
  });

  it("refuses an acoustic model without a mel output", async () => {
    const reason = await brokenReason(await makeBank({ acoustic: { extra: ["steps"], outputName: "spectrogram" } }));
    expect(reason.message).toMatch(/has no output named mel \(outputs: spectrogram\)/);
  });

  it("refuses a mel of another bin count than dsconfig says", async () => {
    const reason = await brokenReason(await makeBank({ acoustic: { extra: ["steps"], bins: 80 } }));
    expect(reason.message).toMatch(/outputs 80 mel bins, but dsconfig\.yaml has num_mel_bins: 128/);
  });

  it("names the vocoder's wrong inputs and missing waveform output", async () => {
    let reason = await brokenReason(
      await makeBank({ files: { "dsvocoder/vocoder.onnx": tinyVocoderModel({ rename: { mel: "spec" } }) } }),
    );
    expect(reason.message).toMatch(/missing inputs: mel; unexpected inputs: spec/);
    reason = await brokenReason(await makeBank({ files: { "dsvocoder/vocoder.onnx": tinyVocoderModel({ outputName: "audio" }) } }));
    expect(reason.message).toMatch(/has no output named waveform/);
  });

  it("accepts speedup as a [1] tensor and reports that rank", async () => {
    const bank = await load(
      await makeBank({
        dsconfig: { use_continuous_acceleration: false },
        acoustic: { extra: [], override: [{ name: "speedup", type: "int64", dims: [1] }] },
      }),
    );
    expect(bank.acousticInputs.speedup).toEqual({ type: "int64", dims: [1] });
  });
});

describe("mel settings agreement", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["sample_rate", { sample_rate: 48000 }, /disagree on sample_rate: dsconfig\.yaml has 44100, dsvocoder\/vocoder\.yaml has 48000/],
    ["hop_size", { hop_size: 256 }, /disagree on hop_size: dsconfig\.yaml has 512, dsvocoder\/vocoder\.yaml has 256/],
    ["win_size", { win_size: 1024 }, /disagree on win_size/],
    ["fft_size", { fft_size: 1024 }, /disagree on fft_size/],
    ["num_mel_bins", { num_mel_bins: 80 }, /disagree on num_mel_bins: dsconfig\.yaml has 128, dsvocoder\/vocoder\.yaml has 80/],
    ["mel_fmin", { mel_fmin: 0 }, /disagree on mel_fmin: dsconfig\.yaml has 40, dsvocoder\/vocoder\.yaml has 0/],
    ["mel_fmax", { mel_fmax: 22050 }, /disagree on mel_fmax/],
    ["mel_scale", { mel_scale: "htk" }, /disagree on mel_scale: dsconfig\.yaml has slaney, dsvocoder\/vocoder\.yaml has htk/],
  ];
  it.each(cases)("refuses a different %s, naming both values", async (setting, vocoder, reason) => {
    const error = await brokenReason(await makeBank({ vocoder }));
    expect(error.message).toMatch(reason);
    expect(error.details?.setting).toBe(setting);
  });
});

describe("paths that leave the bank", () => {
  const cases: [string, TinyBankSpec, RegExp][] = [
    ["a ../ acoustic", { dsconfig: { acoustic: "../other/acoustic.onnx" } }, /dsconfig\.yaml: acoustic is "\.\.\/other\/acoustic\.onnx", which leaves/],
    ["an absolute phonemes path", { dsconfig: { phonemes: "/etc/passwd" } }, /dsconfig\.yaml: phonemes is "\/etc\/passwd", an absolute path/],
    ["a Windows absolute path", { dsconfig: { acoustic: "C:\\models\\a.onnx" } }, /dsconfig\.yaml: acoustic is .*an absolute path/],
    ["a ../ speaker", { dsconfig: { speakers: ["../spk"] }, acoustic: { extra: ["steps", "spk_embed"] } }, /dsconfig\.yaml: speakers\[0\] is "\.\.\/spk\.emb"/],
    ["a ../ vocoder model", { vocoder: { model: "../../x.onnx" } }, /dsvocoder\/vocoder\.yaml: model is "\.\.\/\.\.\/x\.onnx", which leaves/],
    ["a ../ image", { files: { "character.txt": "name=x\nimage=../../secret.png\n" } }, /character\.txt: image is "\.\.\/\.\.\/secret\.png"/],
    ["a vocoder name with a slash", { vocoder: null, dsconfig: { vocoder: "../elsewhere" } }, /dsconfig\.yaml: vocoder is "\.\.\/elsewhere"/],
  ];
  it.each(cases)("refuses %s, naming the field", async (_what, spec, reason) => {
    const error = await brokenReason(await makeBank(spec));
    expect(error.message).toMatch(reason);
  });

  it("refuses a symbolic link that leads out of the bank", async () => {
    const dir = await makeBank({ files: { "acoustic.onnx": null } });
    const outside = join(dir, "..", "outside.onnx");
    await writeFile(outside, tinyAcousticModel({ extra: ["steps"] }));
    await symlink(outside, join(dir, "acoustic.onnx"));
    expect((await brokenReason(dir)).message).toMatch(/acoustic is "acoustic\.onnx", a link that leads out/);
  });
});
