/**
 * Reading a bank's files safely: every path a config names is relative to its folder and must stay
 * inside it, because banks are folders users drop in and a config is not trusted to point anywhere.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { SynthError } from "../errors";
import { describeIssues, firstIssueField } from "./schemas";

export function broken(voice: string, message: string, details: Record<string, unknown> = {}): SynthError {
  return new SynthError("BROKEN_VOICEBANK", `Voicebank "${voice}": ${message}`, { voice, ...details });
}

/** A folder name with nothing that could leave the voices folder or confuse the file system. */
export function isPlainName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name !== "." &&
    name !== ".." &&
    !name.includes("/") &&
    !name.includes("\\") &&
    !name.includes("\0")
  );
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The absolute path of `rel` inside `root`. Refuses absolute paths (POSIX or Windows style),
 * any `..` segment and NUL, naming the config field: `field` is like "dsconfig.yaml: acoustic".
 */
export function resolveInside(voice: string, root: string, rel: string, field: string): string {
  const refuse = (why: string) => broken(voice, `${field} is "${rel}", ${why}`, { field, path: rel });
  if (rel.includes("\0")) throw refuse("which contains a NUL character");
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith("\\")) {
    throw refuse("an absolute path; paths in a voicebank are relative to its folder");
  }
  if (rel.split(/[\\/]/).includes("..")) throw refuse("which leaves the voicebank folder (..)");
  const full = resolve(root, rel);
  const back = relative(root, full);
  if (back === "" || back.startsWith("..") || isAbsolute(back)) throw refuse("which is not a file inside the voicebank folder");
  return full;
}

/**
 * Like resolveInside, and the file must exist; a symbolic link that leads out of the folder is
 * refused too (the check on the text alone cannot see it).
 */
export async function existingFileInside(voice: string, root: string, rel: string, field: string): Promise<string> {
  const full = resolveInside(voice, root, rel, field);
  if (!(await isFile(full))) {
    throw broken(voice, `${field} names "${rel}", which does not exist`, { field, path: rel, missing: rel });
  }
  const [realRoot, realFull] = await Promise.all([realpath(root), realpath(full)]);
  if (!realFull.startsWith(realRoot + sep)) {
    throw broken(voice, `${field} is "${rel}", a link that leads out of the voicebank folder`, { field, path: rel });
  }
  return full;
}

/** Reads a text file, stripping a UTF-8 byte order mark (Windows editors add one). */
export async function readText(path: string): Promise<string> {
  const text = await readFile(path, "utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses a YAML or JSON file of the bank against a schema; errors name the file and the field. */
export async function readConfig<S extends z.ZodType>(
  voice: string,
  path: string,
  fileLabel: string,
  schema: S,
  format: "yaml" | "yaml-strings" | "json",
): Promise<z.output<S>> {
  let data: unknown;
  try {
    const text = await readText(path);
    if (format === "json") data = JSON.parse(text);
    else data = parseYaml(text, format === "yaml-strings" ? { schema: "failsafe" } : {});
  } catch (e) {
    throw broken(voice, `${fileLabel} cannot be read: ${(e as Error).message}`, { file: fileLabel });
  }
  // An empty YAML file parses to null; treat it as an empty mapping so required fields are named.
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    throw broken(voice, `${fileLabel}: ${describeIssues(parsed.error)}`, {
      file: fileLabel,
      field: firstIssueField(parsed.error),
    });
  }
  return parsed.data;
}

export function joinLabel(...parts: string[]): string {
  return join(...parts).split(sep).join("/");
}
