/**
 * A bank's phoneme inventory, language ids and dictionaries, and the mapping from the pipeline's
 * ARPAbet to the bank's token ids.
 *
 * Formats, as OpenUtau reads them (DiffSingerUtils.cs LoadPhonemes / LoadLanguageIds):
 * - phonemes.txt: line i is the phoneme with id i (id 0 is padding, `<PAD>` in current exports);
 * - phonemes.json: a name → id map (multi-language exports name phonemes `en/aa`);
 * - languages.json: a language → id map (ids from 1; 0 is "no language", e.g. SP and AP).
 * - dsdict.yaml / dsdict-<lang>.yaml: `entries` (grapheme → phonemes), `symbols` (phoneme →
 *   vowel/stop/...) and `replacements` (dictionary phoneme → bank phoneme). OpenUtau loads the
 *   language-specific file when it exists, else dsdict.yaml (DiffSingerG2pPhonemizer.LoadG2p).
 */
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { broken, isFile, readConfig, readText } from "./files";
import { ZDsDictSchema, ZIdMapSchema } from "./schemas";

export type BankDictionary = {
  /** The file it came from, e.g. "dsdict-en.yaml". */
  file: string;
  /** Grapheme as written → the bank's phonemes. */
  entries: ReadonlyMap<string, readonly string[]>;
  /** Phoneme → its type: vowel, stop, fricative, affricate, liquid, semivowel, nasal, aspirate, ... */
  symbols: ReadonlyMap<string, string>;
  /** Dictionary phoneme → bank phoneme. */
  replacements: ReadonlyMap<string, string>;
};

/** SP (rest) and AP (breath) are reserved by DiffSinger and never language-prefixed. */
const RESERVED = new Set(["SP", "AP"]);

export async function readInventory(voice: string, path: string, label: string): Promise<Map<string, number>> {
  let inventory: Map<string, number>;
  if (extname(path).toLowerCase() === ".json") {
    inventory = new Map(Object.entries(await readConfig(voice, path, label, ZIdMapSchema, "json")));
  } else {
    inventory = new Map();
    const lines = (await readText(path)).split(/\r?\n/);
    // A final newline does not start another phoneme (File.ReadAllLines in OpenUtau).
    if (lines.at(-1) === "") lines.pop();
    lines.forEach((line, id) => {
      const name = line.trim();
      if (name !== "") inventory.set(name, id);
    });
  }
  if (!inventory.has("SP")) {
    // Every phrase starts and ends with SP (OpenUtau pads each phrase with it).
    throw broken(voice, `${label} has no SP phoneme (the rest every phrase begins and ends with)`, { file: label });
  }
  return inventory;
}

export async function readLanguages(voice: string, path: string, label: string): Promise<Map<string, number>> {
  const languages = new Map(Object.entries(await readConfig(voice, path, label, ZIdMapSchema, "json")));
  if (languages.size === 0) throw broken(voice, `${label} lists no languages`, { file: label });
  return languages;
}

/** dsdict.yaml under key "" and each dsdict-<lang>.yaml under its language. */
export async function readDictionaries(voice: string, dir: string): Promise<Map<string, BankDictionary>> {
  const dictionaries = new Map<string, BankDictionary>();
  const names = (await readdir(dir)).filter((n) => /^dsdict(-[^/\\]+)?\.yaml$/i.test(n)).sort();
  for (const file of names) {
    const path = join(dir, file);
    if (!(await isFile(path))) continue;
    const data = await readConfig(voice, path, file, ZDsDictSchema, "yaml-strings");
    const lang = file.slice("dsdict".length, -".yaml".length).replace(/^-/, "");
    dictionaries.set(lang, {
      file,
      entries: new Map((data.entries ?? []).map((e) => [e.grapheme, e.phonemes])),
      symbols: new Map((data.symbols ?? []).map((s) => [s.symbol, s.type])),
      replacements: new Map((data.replacements ?? []).map((r) => [r.from, r.to])),
    });
  }
  return dictionaries;
}

/**
 * The bank's name for one pipeline phoneme: the dictionary's replacement first, then the
 * `<lang>/` prefix when the bank is multi-language. A replacement that already names a language
 * (`en/ah`) is final, as in OpenUtau, where replacement targets are the bank's own phonemes.
 */
export function bankPhonemeName(
  phoneme: string,
  lang: string,
  useLangId: boolean,
  dictionary: BankDictionary | undefined,
): string {
  if (RESERVED.has(phoneme)) return phoneme;
  const replaced = dictionary?.replacements.get(phoneme) ?? phoneme;
  if (!useLangId || RESERVED.has(replaced) || replaced.includes("/")) return replaced;
  return `${lang}/${replaced}`;
}
