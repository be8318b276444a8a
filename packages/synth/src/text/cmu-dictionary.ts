import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Phoneme } from "../types";
import { type CompactDictionary, encodeCompactDictionary, openCompactDictionary } from "./compact-dictionary";
import { ARPABET_CONSONANTS, ARPABET_VOWELS } from "./phonemes";

type CmuModule = { dictionary: Record<string, string> };

const PACKAGE = "cmu-pronouncing-dictionary";
/**
 * Where the compact form is kept: the synth package's own node_modules/.cache (the usual home of
 * generated caches, ignored by git like the rest of node_modules).
 */
const CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/mini-studio-synth/", import.meta.url));

let dictionary: CompactDictionary | undefined;
const parsed = new Map<string, readonly Phoneme[] | null>();
// Misses are cached too; the bound keeps a stream of made-up words from growing the cache forever.
const MAX_CACHED = 50_000;

/** How the dictionary was made ready: read from its cache file, or generated from the package. */
export type CmuDictionaryStatus = { from: "cache" | "generated"; file: string; written: boolean; entries: number; seconds: number };

let status: CmuDictionaryStatus | undefined;

/** The installed source package: its module path, and a tag that changes when it does. */
function sourcePackage(): { modulePath: string; tag: string } {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string };
  const modulePath = require.resolve(PACKAGE);
  // The size guards against a patched copy that kept its version number.
  return { modulePath, tag: `${PACKAGE}@${version} ${statSync(modulePath).size}` };
}

/** The file name carries the version, so installs of two versions side by side keep two caches. */
export function cmuCacheFile(tag: string, dir = CACHE_DIR): string {
  return join(dir, `${tag.replace(/[^\w.@-]+/g, "_")}.bin`);
}

/** The cached buffer at `file`; null when it is missing, unreadable or not for `tag`: a cache never stops a song. */
function readCache(file: string, tag: string): CompactDictionary | null {
  try {
    return openCompactDictionary(readFileSync(file), tag);
  } catch {
    return null;
  }
}

/**
 * Writes through a temporary file and a rename, so a process reading the cache never sees it
 * half-written and two processes generating it at once both leave a complete file. A cache that
 * cannot be written (read-only install) is no error: this process keeps the buffer in memory.
 */
function writeCache(file: string, bytes: Buffer): boolean {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file was never made.
    }
    return false;
  }
}

/**
 * Opens the compact dictionary at `file`, generating it from the `cmu-pronouncing-dictionary`
 * package (the source of truth) when it is missing or was made from another version. Generating
 * evaluates the package's 4.7 MB module, about a second; opening the cache takes milliseconds.
 */
export function openCmuDictionary(file?: string): { dictionary: CompactDictionary; status: CmuDictionaryStatus } {
  const start = performance.now();
  const source = sourcePackage();
  const path = file ?? cmuCacheFile(source.tag);
  const seconds = () => (performance.now() - start) / 1000;
  const cached = readCache(path, source.tag);
  if (cached) return { dictionary: cached, status: { from: "cache", file: path, written: false, entries: cached.size, seconds: seconds() } };
  // Node 20.19+ loads this ES module through require().
  const { dictionary: object } = createRequire(import.meta.url)(source.modulePath) as CmuModule;
  const bytes = encodeCompactDictionary(object, source.tag);
  const written = writeCache(path, bytes);
  const opened = openCompactDictionary(bytes, source.tag);
  if (!opened) throw new Error("the compact pronouncing dictionary does not read back");
  return { dictionary: opened, status: { from: "generated", file: path, written, entries: opened.size, seconds: seconds() } };
}

/**
 * The CMU Pronouncing Dictionary (135 000 words), made ready on first use rather than when the
 * package is imported, so that code which never parses lyrics does not pay for it. Call it up
 * front (a worker starting, a benchmark) to take the one-time cost out of the first song.
 */
export function loadCmuDictionary(): CmuDictionaryStatus {
  if (!dictionary || !status) ({ dictionary, status } = openCmuDictionary());
  return status;
}

/** "HH AH0 L OW1" → ["hh", "ah", "l", "ow"]; null when a symbol is not ARPAbet. */
function parseEntry(entry: string): Phoneme[] | null {
  // A few entries carry a comment ("AO1 L B AO0 R G # place, danish").
  const symbols = (entry.split("#")[0] ?? "").trim().split(/\s+/);
  const out: Phoneme[] = [];
  for (const symbol of symbols) {
    const p = symbol.replace(/[012]$/, "").toLowerCase();
    if (!ARPABET_VOWELS.has(p) && !ARPABET_CONSONANTS.has(p)) return null;
    out.push(p);
  }
  return out.length > 0 ? out : null;
}

/**
 * The first CMU pronunciation of a lower-case key ("don't", "hello"), stress removed; undefined
 * for a word the dictionary lacks. The returned array is shared: copy it before changing it.
 */
export function lookupCmu(key: string): readonly Phoneme[] | undefined {
  const cached = parsed.get(key);
  if (cached !== undefined) return cached ?? undefined;
  loadCmuDictionary();
  // A plain search over the source's own keys: "constructor" is a word, "__proto__" is none.
  const entry = dictionary?.get(key);
  const phonemes = entry === undefined ? null : parseEntry(entry);
  if (parsed.size >= MAX_CACHED) parsed.clear();
  parsed.set(key, phonemes);
  return phonemes ?? undefined;
}
