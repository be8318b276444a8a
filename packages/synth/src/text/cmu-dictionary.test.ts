import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmuCacheFile, lookupCmu, openCmuDictionary } from "./cmu-dictionary";
import { encodeCompactDictionary } from "./compact-dictionary";

const source = (createRequire(import.meta.url)("cmu-pronouncing-dictionary") as { dictionary: Record<string, string> }).dictionary;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cmu-dictionary-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the compact pronouncing dictionary", () => {
  it("answers every word of cmu-pronouncing-dictionary with exactly its entry, and nothing for other keys", () => {
    const { dictionary, status } = openCmuDictionary(join(dir, "all.bin"));
    expect(status.from).toBe("generated");
    const words = Object.keys(source);
    expect(dictionary.size).toBe(words.length);
    const wrong = words.filter((w) => dictionary.get(w) !== source[w]);
    expect(wrong).toEqual([]);
    // Object-like names, prefixes and near misses of real words, case and spacing.
    for (const key of ["__proto__", "toString", "hasOwnProperty", "valueOf", "", "hel", "hellos", "Hello", "hello ", " hello", "zzzzqx", "a(9)", "é"]) {
      expect(dictionary.get(key), key).toBe(Object.hasOwn(source, key) ? source[key] : undefined);
    }
  });

  it("reads apostrophes, alternates and commented entries as the package has them", () => {
    const { dictionary } = openCmuDictionary(join(dir, "all.bin"));
    expect(dictionary.get("constructor")).toBe(source.constructor);
    expect(dictionary.get("don't")).toBe("D OW1 N T");
    expect(dictionary.get("'cause")).toBe("K AH0 Z");
    expect(dictionary.get("a(2)")).toBe("EY1");
    expect(dictionary.get("aalborg")).toBe("AO1 L B AO0 R G # place, danish");
  });

  it("gives the sung phonemes: stress removed, comments dropped, first pronunciation", () => {
    expect(lookupCmu("hello")).toEqual(["hh", "ah", "l", "ow"]);
    expect(lookupCmu("constructor")).toEqual(["k", "ah", "n", "s", "t", "r", "ah", "k", "t", "er"]);
    expect(lookupCmu("aalborg")).toEqual(["ao", "l", "b", "ao", "r", "g"]);
    expect(lookupCmu("a")).toEqual(["ah"]);
    expect(lookupCmu("'til")).toEqual(["t", "ih", "l"]);
    expect(lookupCmu("__proto__")).toBeUndefined();
    expect(lookupCmu("toString")).toBeUndefined();
  });

  it("gives every 40th word of the package the phonemes its entry spells", () => {
    const words = Object.keys(source).filter((_, i) => i % 40 === 0);
    const spelled = (entry: string) => (entry.split("#")[0] ?? "").trim().split(/\s+/).map((s) => s.replace(/[012]$/, "").toLowerCase());
    const wrong = words.filter((w) => JSON.stringify(lookupCmu(w)) !== JSON.stringify(spelled(source[w] as string)));
    expect(words.length).toBeGreaterThan(3000);
    expect(wrong).toEqual([]);
  });

  it("is generated once and read from its file after, and regenerated when the file is another source's or cut short", () => {
    const file = join(dir, "cache.bin");
    expect(openCmuDictionary(file).status).toMatchObject({ from: "generated", written: true });
    const second = openCmuDictionary(file);
    expect(second.status.from).toBe("cache");
    expect(second.dictionary.get("hello")).toBe(source.hello);

    writeFileSync(file, encodeCompactDictionary({ hello: "W ER1 L D" }, "cmu-pronouncing-dictionary@0.0.1 1"));
    const stale = openCmuDictionary(file);
    expect(stale.status.from).toBe("generated");
    expect(stale.dictionary.get("hello")).toBe(source.hello);

    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(openCmuDictionary(file).status.from).toBe("generated");
    expect(openCmuDictionary(file).status.from).toBe("cache");
  });

  it("still works, from memory, where the cache cannot be written", () => {
    const notADir = join(dir, "a-file");
    writeFileSync(notADir, "");
    const { dictionary, status } = openCmuDictionary(join(notADir, "cache.bin"));
    expect(status).toMatchObject({ from: "generated", written: false });
    expect(dictionary.get("hello")).toBe(source.hello);
  });

  it("names its cache file after the package version", () => {
    expect(cmuCacheFile("cmu-pronouncing-dictionary@3.0.0 4699401", "/c")).toBe("/c/cmu-pronouncing-dictionary@3.0.0_4699401.bin");
  });

  it("leaves one complete cache file when several processes generate it at once", async () => {
    const shared = join(dir, "shared");
    const file = join(shared, "cache.bin");
    const script = `const m = await import(${JSON.stringify(new URL("./cmu-dictionary.ts", import.meta.url).href)}); console.log(m.openCmuDictionary(${JSON.stringify(file)}).status.from);`;
    const run = () => promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    const outputs = await Promise.all([run(), run(), run()]);
    for (const { stdout } of outputs) expect(["generated", "cache"]).toContain(stdout.trim());
    expect(readdirSync(shared)).toEqual(["cache.bin"]);
    const reopened = openCmuDictionary(file);
    expect(reopened.status.from).toBe("cache");
    expect(reopened.dictionary.get("hello")).toBe(source.hello);
  });
});
