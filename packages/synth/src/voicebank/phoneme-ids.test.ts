import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SynthError } from "../errors";
import { readVoicebankFiles, type VoicebankFiles } from "./load-voicebank";
import { type TinyBankSpec, writeTinyBank } from "./test-models.test-support";

// Phoneme mapping needs no ONNX session, so these read the bank's files only.
const root = await mkdtemp(join(tmpdir(), "voicebank-ids-"));
let counter = 0;
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function bank(spec: TinyBankSpec = {}, name = "tiny"): Promise<VoicebankFiles> {
  const dir = join(root, `voices-${++counter}`, name);
  await writeTinyBank(dir, spec);
  return readVoicebankFiles(dir);
}

function thrown(fn: () => unknown): SynthError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SynthError);
    return e as SynthError;
  }
  throw new Error("nothing was thrown");
}

const multi: TinyBankSpec = {
  dsconfig: { phonemes: "phonemes.json", use_lang_id: true, languages: "languages.json" },
  acoustic: { extra: ["steps", "languages"] },
  files: {
    "phonemes.json": JSON.stringify({ "<PAD>": 0, AP: 1, SP: 2, "en/aa": 3, "en/ah": 4, "en/hh": 5, "ja/a": 6, "en/l": 7 }),
    "languages.json": JSON.stringify({ en: 1, ja: 2 }),
    "dsdict.yaml": [
      "entries:",
      "  - {grapheme: hello, phonemes: [en/hh, en/ah, en/l]}",
      "  - {grapheme: no, phonemes: [en/aa]}",
      "replacements:",
      "  - {from: ax, to: ah}",
      "  - {from: ow, to: ja/a}",
      "",
    ].join("\n"),
  },
};

describe("phonemeIds in a single-language bank", () => {
  it("maps ARPAbet, SP and AP to the line numbers of phonemes.txt", async () => {
    const b = await bank();
    expect(b.phonemeIds(["SP", "hh", "ah", "l", "ow", "AP"])).toEqual([2, 6, 4, 7, 8, 1]);
  });

  it("goes through the dsdict replacements first", async () => {
    const b = await bank();
    // dsdict.yaml of the tiny bank replaces ax with ah.
    expect(b.phonemeIds(["ax"])).toEqual([4]);
    expect(b.bankPhoneme("ax")).toBe("ah");
  });

  it("refuses a phoneme the inventory lacks, naming it and the voice", async () => {
    const b = await bank({}, "alto");
    const error = thrown(() => b.phonemeIds(["hh", "zh"]));
    expect(error.code).toBe("UNKNOWN_PHONEME");
    expect(error.message).toMatch(/Voice "alto" has no phoneme "zh"/);
    expect(error.details).toMatchObject({ voice: "alto", phoneme: "zh" });
  });

  it("gives language 0 everywhere when the bank is not multi-language", async () => {
    const b = await bank();
    expect(b.languageId("en")).toBe(0);
    expect(b.languageIds(["SP", "aa"])).toEqual([0, 0]);
  });
});

describe("phonemeIds in a multi-language bank", () => {
  it("adds the language prefix after the replacements, and leaves SP and AP bare", async () => {
    const b = await bank(multi);
    expect(b.phonemeIds(["SP", "hh", "ax", "l", "AP"])).toEqual([2, 5, 4, 7, 1]);
    expect(b.bankPhoneme("ax")).toBe("en/ah");
  });

  it("keeps a replacement that already names a language", async () => {
    const b = await bank(multi);
    expect(b.bankPhoneme("ow")).toBe("ja/a");
    expect(b.phonemeIds(["ow"])).toEqual([6]);
    expect(b.languageIds(["SP", "hh", "ow"])).toEqual([0, 1, 2]);
  });

  it("names the prefixed phoneme it could not find and where it came from", async () => {
    const b = await bank(multi);
    const error = thrown(() => b.phonemeIds(["iy"]));
    expect(error.code).toBe("UNKNOWN_PHONEME");
    expect(error.message).toMatch(/no phoneme "en\/iy" \(from "iy"\)/);
  });

  it("gives languages.json's ids and refuses a language the bank lacks", async () => {
    const b = await bank(multi);
    expect(b.languageId("ja")).toBe(2);
    const error = thrown(() => b.languageId("fr"));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toMatch(/does not sing language "fr" \(it has: en, ja\)/);
  });

  it("looks words up in the dictionary entries, reading graphemes as text", async () => {
    const b = await bank(multi);
    expect(b.lookupWord("Hello")).toEqual(["en/hh", "en/ah", "en/l"]);
    // YAML 1.1 would read `no` as false; the dictionary keeps it as the word.
    expect(b.lookupWord("no")).toEqual(["en/aa"]);
    expect(b.lookupWord("absent")).toBeNull();
  });
});

describe("dictionaries", () => {
  it("prefers dsdict-<lang>.yaml over dsdict.yaml for that language", async () => {
    const b = await bank({
      files: { "dsdict-en.yaml": "replacements:\n  - {from: ax, to: aa}\n" },
    });
    expect(b.dictionaryFor("en")?.file).toBe("dsdict-en.yaml");
    expect(b.dictionaryFor("ja")?.file).toBe("dsdict.yaml");
    expect(b.phonemeIds(["ax"], "en")).toEqual([3]);
    expect(b.phonemeIds(["ax"], "ja")).toEqual([4]);
  });

  it("reads symbol types and tolerates empty sections", async () => {
    const b = await bank({ files: { "dsdict.yaml": "symbols:\n  - {symbol: aa, type: vowel}\nentries:\nreplacements:\n" } });
    expect(b.dictionaryFor("en")?.symbols.get("aa")).toBe("vowel");
    expect(b.phonemeIds(["aa"])).toEqual([3]);
  });

  it("works without any dsdict", async () => {
    const b = await bank({ files: { "dsdict.yaml": null } });
    expect(b.dictionaries.size).toBe(0);
    expect(b.phonemeIds(["b"])).toEqual([5]);
  });
});
