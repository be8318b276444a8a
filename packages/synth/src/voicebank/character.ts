/**
 * The singer's identity: UTAU's character.txt (`name=`, `author=`, `image=` lines) and OpenUtau's
 * character.yaml, which wins where both give a field (OpenUtau.Classic/VoicebankLoader.cs reads
 * the txt first, then applies the yaml).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { existingFileInside, isFile, readConfig, resolveInside } from "./files";
import { ZCharacterYamlSchema } from "./schemas";

export type Character = {
  displayName: string;
  author: string | null;
  /** Absolute path of the image, when the bank names one that exists. */
  image: string | null;
  /** All of character.yaml's fields (web, version, voice, default_phonemizer, ...), when present. */
  extra: Record<string, unknown>;
};

// Most UTAU banks were made on Japanese Windows and are Shift-JIS; newer ones are UTF-8.
function decodeCharacterTxt(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("shift_jis").decode(bytes);
  }
}

function parseCharacterTxt(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (value !== "") fields[key] = value;
  }
  return fields;
}

export async function readCharacter(voice: string, dir: string): Promise<Character> {
  let name: string | undefined;
  let author: string | undefined;
  let image: string | undefined;
  let imageField = "character.txt: image";
  let extra: Record<string, unknown> = {};

  const txtPath = join(dir, "character.txt");
  if (await isFile(txtPath)) {
    const fields = parseCharacterTxt(decodeCharacterTxt(await readFile(txtPath)));
    name = fields.name;
    author = fields.author;
    image = fields.image;
  }
  const yamlPath = join(dir, "character.yaml");
  if (await isFile(yamlPath)) {
    const yaml = await readConfig(voice, yamlPath, "character.yaml", ZCharacterYamlSchema, "yaml");
    extra = yaml;
    name = yaml.name?.trim() || name;
    author = yaml.author?.trim() || author;
    if (yaml.image?.trim()) {
      image = yaml.image.trim();
      imageField = "character.yaml: image";
    }
  }

  let imagePath: string | null = null;
  // A missing picture leaves the voice usable; a path that escapes the folder does not.
  if (image && (await isFile(resolveInside(voice, dir, image, imageField)))) {
    imagePath = await existingFileInside(voice, dir, image, imageField);
  }
  return { displayName: name || voice, author: author ?? null, image: imagePath, extra };
}
