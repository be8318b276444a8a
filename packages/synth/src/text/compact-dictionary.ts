/**
 * A pronouncing dictionary as one flat buffer that opens in a few milliseconds: entries sorted by
 * the UTF-8 bytes of their keys and found by binary search, with no object per word. It holds the
 * entry strings exactly as the source dictionary has them (stress digits, comments and all), so a
 * lookup answers exactly what the source object would.
 *
 * Layout (32-bit words in the machine's byte order, as a Uint32Array view writes them):
 *   "MSPRODIC"                 magic, 8 bytes
 *   u32 FORMAT, count, blob bytes, source tag bytes S
 *   the source tag, UTF-8, zero-padded to a multiple of 4 bytes
 *   u32 × (count + 1)          where each entry starts in the blob; the last is the blob's length
 *   the blob: "key\tvalue\n" per entry
 * The source tag names what the buffer was made from, so a cache made from another version of the
 * source dictionary is recognised as stale.
 */

const MAGIC = Buffer.from("MSPRODIC", "latin1");
const FORMAT = 1;
const HEADER_BYTES = MAGIC.length + 4 * 4;
const TAB = 0x09;

const padded = (n: number) => (n + 3) & ~3;

/** Builds the buffer for `dictionary` (own keys only), tagged with `source`. */
export function encodeCompactDictionary(dictionary: Readonly<Record<string, string>>, source: string): Buffer {
  const entries = Object.keys(dictionary).map((key) => {
    const value = dictionary[key] as string;
    if (/[\t\n]/.test(key) || value.includes("\n")) throw new Error(`dictionary entry ${JSON.stringify(key)} holds a tab or a newline`);
    return { key: Buffer.from(key, "utf8"), value: Buffer.from(value, "utf8") };
  });
  entries.sort((a, b) => Buffer.compare(a.key, b.key));
  const tag = Buffer.from(source, "utf8");
  const blobBytes = entries.reduce((n, e) => n + e.key.length + e.value.length + 2, 0);
  const indexAt = HEADER_BYTES + padded(tag.length);
  const blobAt = indexAt + 4 * (entries.length + 1);
  const out = Buffer.alloc(blobAt + blobBytes);
  MAGIC.copy(out, 0);
  new Uint32Array(out.buffer, out.byteOffset + MAGIC.length, 4).set([FORMAT, entries.length, blobBytes, tag.length]);
  tag.copy(out, HEADER_BYTES);
  const index = new Uint32Array(out.buffer, out.byteOffset + indexAt, entries.length + 1);
  let at = 0;
  for (const [i, e] of entries.entries()) {
    index[i] = at;
    at += e.key.copy(out, blobAt + at);
    out[blobAt + at++] = TAB;
    at += e.value.copy(out, blobAt + at);
    out[blobAt + at++] = 0x0a;
  }
  index[entries.length] = at;
  return out;
}

/** Lookups over a buffer made by encodeCompactDictionary. */
export type CompactDictionary = {
  readonly size: number;
  /** The entry of `key` exactly as in the source dictionary; undefined when it has none. */
  get(key: string): string | undefined;
};

/** Opens `bytes` made from `source`; null when they are not such a buffer (other format, other source, cut short). */
export function openCompactDictionary(bytes: Buffer, source: string): CompactDictionary | null {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  // A Uint32Array view needs 4-byte alignment; a buffer read from a file has it, a slice may not.
  const buf = (bytes.byteOffset & 3) === 0 ? bytes : Buffer.from(bytes);
  const [format, count, blobBytes, tagBytes] = new Uint32Array(buf.buffer, buf.byteOffset + MAGIC.length, 4) as unknown as [number, number, number, number];
  if (format !== FORMAT) return null;
  const indexAt = HEADER_BYTES + padded(tagBytes);
  const blobAt = indexAt + 4 * (count + 1);
  if (buf.length !== blobAt + blobBytes) return null;
  if (buf.toString("utf8", HEADER_BYTES, HEADER_BYTES + tagBytes) !== source) return null;
  const index = new Uint32Array(buf.buffer, buf.byteOffset + indexAt, count + 1);
  if (index[count] !== blobBytes) return null;
  const blob = buf.subarray(blobAt);

  /** Compares entry i's key with `key`: negative when the entry sorts first. */
  const compare = (i: number, key: Buffer): number => {
    const start = index[i] as number;
    for (let k = 0; ; k++) {
      const b = blob[start + k] as number;
      if (b === TAB) return k === key.length ? 0 : -1;
      if (k === key.length) return 1;
      const d = b - (key[k] as number);
      if (d !== 0) return d;
    }
  };

  return {
    size: count,
    get(word) {
      const key = Buffer.from(word, "utf8");
      let lo = 0;
      let hi = count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const c = compare(mid, key);
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid - 1;
        else {
          const valueAt = (index[mid] as number) + key.length + 1;
          return blob.toString("utf8", valueAt, (index[mid + 1] as number) - 1);
        }
      }
      return undefined;
    },
  };
}
