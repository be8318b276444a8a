import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SynthError } from "../errors";
import { listVoices, loadVoice } from "./list-voices";
import { tinyAcousticModel, tinyVocoderModel, writeTinyBank } from "./test-models.test-support";

const voices = await mkdtemp(join(tmpdir(), "voicebank-list-"));

beforeAll(async () => {
  await writeTinyBank(join(voices, "bravo"), { files: { "character.txt": "name=Bravo\nauthor=B\n" } });
  await writeTinyBank(join(voices, "alpha"), {
    dsconfig: { use_lang_id: true, languages: "languages.json", vocoder: "shared_vocoder" },
    acoustic: { extra: ["steps", "languages"] },
    vocoder: null,
    files: {
      "languages.json": JSON.stringify({ ja: 2, en: 1 }),
      "phonemes.txt": "<PAD>\nAP\nSP\nen/aa\nja/a\n",
    },
  });
  // Broken: its acoustic model is not ONNX.
  await writeTinyBank(join(voices, "charlie"), { files: { "acoustic.onnx": "garbage" } });
  // A vocoder-only folder is a dependency, not a voice.
  await mkdir(join(voices, "shared_vocoder"), { recursive: true });
  await writeFile(join(voices, "shared_vocoder", "vocoder.yaml"), "name: shared\nmodel: model.onnx\nmel_base: e\n");
  await writeFile(join(voices, "shared_vocoder", "model.onnx"), tinyVocoderModel());
  await writeFile(join(voices, "README.txt"), "not a folder");
});
afterAll(async () => {
  await rm(voices, { recursive: true, force: true });
});

describe("listVoices", () => {
  it("lists every bank sorted by name, a broken one with its reason, and skips vocoder folders", async () => {
    const list = await listVoices(voices);
    expect(list.map((v) => [v.name, v.status])).toEqual([
      ["alpha", "ok"],
      ["bravo", "ok"],
      ["charlie", "broken"],
    ]);
    expect(list[0]).toEqual({
      name: "alpha",
      status: "ok",
      displayName: "Tiny Singer",
      author: "Test Author",
      languages: ["en", "ja"],
      sampleRate: 44100,
      image: join(voices, "alpha", "icon.png"),
    });
    expect(list[1]).toMatchObject({ displayName: "Bravo", author: "B", image: null, languages: [] });
    const broken = list[2];
    expect(broken?.status === "broken" && broken.reason).toMatch(/acoustic\.onnx is not a model onnxruntime can open/);
  });

  it("notices when a broken bank is repaired", async () => {
    const dir = join(voices, "delta");
    await writeTinyBank(dir, { acoustic: { extra: ["steps"], rename: { f0: "pitch" } } });
    let delta = (await listVoices(voices)).find((v) => v.name === "delta");
    expect(delta?.status === "broken" && delta.reason).toMatch(/missing inputs: f0/);
    // A different size guarantees the change is seen even within the file system's mtime granularity.
    await writeFile(join(dir, "acoustic.onnx"), tinyAcousticModel({ extra: ["steps"] }));
    delta = (await listVoices(voices)).find((v) => v.name === "delta");
    expect(delta?.status).toBe("ok");
    await rm(dir, { recursive: true });
  });

  it("gives an empty list for a voices folder that does not exist", async () => {
    expect(await listVoices(join(voices, "nope"))).toEqual([]);
  });
});

describe("loadVoice", () => {
  it("loads a voice by folder name", async () => {
    const bank = await loadVoice(voices, "bravo");
    expect(bank.displayName).toBe("Bravo");
    await bank.release();
  });

  it.each(["missing", "../alpha", "alpha/../bravo", "..", "a\0b", "", "shared_vocoder"])(
    "refuses %j with UNKNOWN_VOICE listing the voices",
    async (name) => {
      const error = await loadVoice(voices, name).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SynthError);
      expect((error as SynthError).code).toBe("UNKNOWN_VOICE");
      expect((error as SynthError).message).toMatch(/available: alpha, bravo, charlie/);
    },
  );

  it("reports a broken voice as BROKEN_VOICEBANK, not UNKNOWN_VOICE", async () => {
    const error = await loadVoice(voices, "charlie").then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as SynthError).code).toBe("BROKEN_VOICEBANK");
  });
});
