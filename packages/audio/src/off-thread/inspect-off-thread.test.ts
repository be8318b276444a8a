import { mkdtemp, open, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioDecodeError } from "../errors";
import { inspectAudio } from "../inspect";
import { encodeWav, sineTone } from "../wav/wav-encoder";
import { GrowingFile, readGrowingFile } from "./growing-file";
import { inspectGrowingFile } from "./inspect-off-thread";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "growing-file-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function* chunked(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Writes `bytes` the way an upload lands: chunk by chunk, telling the GrowingFile after each write. */
async function writeGrowing(bytes: Uint8Array, opts: { chunk?: number; pauseEvery?: number; stopAt?: number } = {}) {
  const path = join(dir, `upload-${n++}`);
  const file = new GrowingFile(path);
  const handle: FileHandle = await open(path, "wx");
  const chunk = opts.chunk ?? 64 * 1024;
  const end = opts.stopAt ?? bytes.length;
  const written = (async () => {
    try {
      for (let i = 0, k = 0; i < end; i += chunk, k++) {
        const { bytesWritten } = await handle.write(bytes.subarray(i, Math.min(i + chunk, end)));
        file.appended(bytesWritten);
        if (opts.pauseEvery && k % opts.pauseEvery === 0) await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      await handle.close();
    }
  })();
  return { file, path, written };
}

describe("readGrowingFile", () => {
  it("reads exactly the bytes written, as they are written, and ends when the writer finishes", async () => {
    const bytes = new Uint8Array(3_000_000).map((_, i) => (i * 7) & 255);
    const { file, written } = await writeGrowing(bytes, { chunk: 50_000, pauseEvery: 4 });
    const seen: Uint8Array[] = [];
    const reading = (async () => {
      for await (const chunk of readGrowingFile(file.handle, 256 * 1024)) seen.push(chunk.slice());
    })();
    await written;
    file.finished();
    await reading;
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    // Whole chunks while the file grew, not one read per write.
    expect(seen.slice(0, -1).every((c) => c.length === 256 * 1024)).toBe(true);
  });

  it("stops with an error when the writer abandons the file", async () => {
    const { file, written } = await writeGrowing(new Uint8Array(100_000), { stopAt: 40_000 });
    await written;
    const reading = (async () => {
      for await (const _chunk of readGrowingFile(file.handle)) void _chunk;
    })();
    setTimeout(() => file.abandoned(), 20);
    await expect(reading).rejects.toThrow(/abandoned/);
  });
});

describe("inspectGrowingFile", () => {
  it("gives the same answer as inspecting the finished file on the calling thread", async () => {
    const wav = encodeWav(sineTone({ seconds: 12, freqHz: 220 }));
    const { file, written } = await writeGrowing(wav, { pauseEvery: 8 });
    const there = inspectGrowingFile(file, { format: "wav" });
    await written;
    file.finished();
    const here = await inspectAudio(chunked(wav), { format: "wav" });
    expect(await there).toEqual(here);
    expect(here.durationSec).toBeCloseTo(12, 5);
  });

  it("inspects several files at once and keeps their answers apart", async () => {
    const lengths = [1, 3, 2, 5];
    const infos = await Promise.all(
      lengths.map(async (seconds) => {
        const { file, written } = await writeGrowing(encodeWav(sineTone({ seconds })), { chunk: 10_000, pauseEvery: 16 });
        const info = inspectGrowingFile(file, { format: "wav" });
        await written;
        file.finished();
        return info;
      }),
    );
    expect(infos.map((i) => i.durationSec)).toEqual(lengths);
  });

  it("refuses a damaged file with the decoder's own error code and message", async () => {
    const wav = encodeWav(sineTone({ seconds: 2 }));
    const { file, written } = await writeGrowing(wav, { stopAt: wav.length - 1000 });
    const error = inspectGrowingFile(file, { format: "wav" }).catch((e: unknown) => e);
    await written;
    file.finished();
    expect(await error).toBeInstanceOf(AudioDecodeError);
    expect((await error as AudioDecodeError).code).toBe("CORRUPT_FILE");
    expect((await error as AudioDecodeError).message).toMatch(/ends early/);
  });

  it("answers as soon as the header says the audio is too long, before the file is complete", async () => {
    const wav = encodeWav(sineTone({ seconds: 60 })); // 10 MB
    const path = join(dir, "too-long");
    await writeFile(path, wav.subarray(0, 2 << 20));
    const file = new GrowingFile(path);
    file.appended(2 << 20); // the rest never comes, and the writer never finishes
    const error = await inspectGrowingFile(file, { format: "wav", maxSeconds: 1 }).catch((e: unknown) => e);
    expect((error as AudioDecodeError).code).toBe("TOO_LONG");
    file.abandoned();
  });

  it("rejects when the upload is abandoned, and stays usable afterwards", async () => {
    const wav = encodeWav(sineTone({ seconds: 4 }));
    const { file, written } = await writeGrowing(wav, { stopAt: 200_000 });
    const inspection = inspectGrowingFile(file, { format: "wav" });
    await written;
    file.abandoned();
    await expect(inspection).rejects.toThrow(/abandoned/);

    const next = await writeGrowing(encodeWav(sineTone({ seconds: 1 })));
    const info = inspectGrowingFile(next.file, { format: "wav" });
    await next.written;
    next.file.finished();
    expect((await info).durationSec).toBe(1);
  });
});
