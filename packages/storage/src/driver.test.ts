import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalDriver, sweepStaging, type StorageDriver } from "./driver";
import { assertKey, newKey, thumbnailKey } from "./keys";
import { listFiles, makeTempDir } from "./test-support";

let root: string;
let cleanup: () => Promise<void>;
let driver: StorageDriver;

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir("driver"));
  driver = createLocalDriver(root);
});
afterEach(() => cleanup());

describe("local driver", () => {
  it("creates the staging directory inside the root", async () => {
    expect(driver.stagingDir()).toBe(join(root, ".staging"));
    expect(await listFiles(driver.stagingDir())).toEqual([]);
  });

  it("puts bytes, a stream and an async iterable, and reads them back", async () => {
    expect(await driver.put("uploads/audio/a.wav", Buffer.from("hello world"))).toEqual({ size: 11 });
    await driver.put("uploads/midi/b.mid", Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
    await driver.put(
      "outputs/c.txt",
      (async function* () {
        yield new TextEncoder().encode("x");
        yield new TextEncoder().encode("yz");
      })(),
    );
    expect(await text(await driver.get("uploads/audio/a.wav"))).toBe("hello world");
    expect(await text(await driver.get("uploads/midi/b.mid"))).toBe("abcd");
    expect(await text(await driver.get("outputs/c.txt"))).toBe("xyz");
    expect(await listFiles(driver.stagingDir())).toEqual([]);
  });

  it("reads inclusive byte ranges, like HTTP Range", async () => {
    await driver.put("uploads/audio/a.wav", Buffer.from("0123456789"));
    expect(await text(await driver.get("uploads/audio/a.wav", { start: 0, end: 0 }))).toBe("0");
    expect(await text(await driver.get("uploads/audio/a.wav", { start: 2, end: 5 }))).toBe("2345");
    expect(await text(await driver.get("uploads/audio/a.wav", { start: 7, end: 9 }))).toBe("789");
    await expect(driver.get("uploads/audio/a.wav", { start: 5, end: 2 })).rejects.toThrow(RangeError);
    await expect(driver.get("uploads/audio/a.wav", { start: -1, end: 2 })).rejects.toThrow(RangeError);
  });

  it("moves a finished file in with putFile", async () => {
    const local = join(driver.stagingDir(), "done.tmp");
    await writeFile(local, "finished");
    expect(await driver.putFile("uploads/images/x.png", local)).toEqual({ size: 8 });
    expect(await listFiles(driver.stagingDir())).toEqual([]);
    expect(await text(await driver.get("uploads/images/x.png"))).toBe("finished");
  });

  it("stats and deletes; a missing key is null on stat, fine on delete, an error on get", async () => {
    expect(await driver.stat("uploads/audio/none.wav")).toBeNull();
    await driver.put("uploads/audio/a.wav", Buffer.from("abc"));
    const info = await driver.stat("uploads/audio/a.wav");
    expect(info?.size).toBe(3);
    expect(info?.modifiedAt).toBeInstanceOf(Date);
    expect(await driver.stat("uploads/audio")).toBeNull(); // a directory is not a stored file
    await driver.delete("uploads/audio/a.wav");
    await driver.delete("uploads/audio/a.wav");
    expect(await driver.stat("uploads/audio/a.wav")).toBeNull();
    await expect(driver.get("uploads/audio/a.wav")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("leaves nothing under the key, nor in staging, when the body errors halfway", async () => {
    const body = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error("source broke"));
      },
    });
    await expect(driver.put("uploads/audio/half.wav", body)).rejects.toThrow("source broke");
    expect(await driver.stat("uploads/audio/half.wav")).toBeNull();
    expect(await listFiles(driver.stagingDir())).toEqual([]);
  });

  it("replaces an existing key whole", async () => {
    await driver.put("outputs/a.wav", Buffer.from("old"));
    await driver.put("outputs/a.wav", Buffer.from("newer"));
    expect(await text(await driver.get("outputs/a.wav"))).toBe("newer");
  });

  it("refuses bad keys in every operation", async () => {
    await expect(driver.put("../escape.wav", Buffer.from("x"))).rejects.toThrow(/Invalid storage key/);
    await expect(driver.stat("/etc/passwd")).rejects.toThrow(/Invalid storage key/);
    await expect(driver.get(".staging/x")).rejects.toThrow(/Invalid storage key/);
    await expect(driver.delete("a/../../b")).rejects.toThrow(/Invalid storage key/);
  });

  it("sweeps only stale staged files", async () => {
    await writeFile(join(driver.stagingDir(), "left-by-a-crash.upload"), "x");
    expect(await sweepStaging(driver.stagingDir(), { olderThanMs: 60_000 })).toBe(0);
    expect(await sweepStaging(driver.stagingDir(), { olderThanMs: -1 })).toBe(1);
    expect(await listFiles(driver.stagingDir())).toEqual([]);
  });
});

describe("keys", () => {
  it.each(["../x", "/etc/passwd", "a/../../b", "uploads/Audio/x.wav", "", "a//b", "a/", "./a", ".staging/x", "a/.hidden", "a\\b", "x".repeat(201)])(
    "refuses %j",
    (key) => {
      expect(() => assertKey(key)).toThrow(/Invalid storage key/);
    },
  );

  it("accepts server-made keys", () => {
    expect(() => assertKey("uploads/audio/abc123.wav")).not.toThrow();
    expect(() => assertKey("uploads/images/abc.thumb.webp")).not.toThrow();
  });

  it("makes unique, well-formed keys per kind", () => {
    const made = Array.from({ length: 1000 }, () => newKey("audio", "wav"));
    expect(new Set(made.map((k) => k.id)).size).toBe(1000);
    for (const { id, key } of made) {
      expect(id).toMatch(/^[a-z2-7]{20}$/);
      expect(key).toBe(`uploads/audio/${id}.wav`);
      expect(() => assertKey(key)).not.toThrow();
    }
    expect(newKey("midi", ".MID").key).toMatch(/^uploads\/midi\/[a-z2-7]{20}\.mid$/);
    expect(newKey("image", "jpeg").key).toMatch(/^uploads\/images\/[a-z2-7]{20}\.jpeg$/);
    expect(() => newKey("audio", "php")).toThrow();
    expect(() => newKey("image", "../x")).toThrow();
  });

  it("names thumbnails after the asset id", () => {
    const { id } = newKey("image", "png");
    expect(thumbnailKey(id)).toBe(`uploads/images/${id}.thumb.webp`);
    expect(() => thumbnailKey("../x")).toThrow();
  });
});
