import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { receiveUpload, type Inspector, type ReceiveOptions } from "./intake";
import { listFiles, makeTempDir, wavBytes } from "./test-support";

let staging: string;
let cleanup: () => Promise<void>;
let opts: ReceiveOptions;

beforeEach(async () => {
  ({ dir: staging, cleanup } = await makeTempDir("intake"));
  opts = { kind: "audio", maxBytes: 1024 * 1024, stagingDir: staging };
});
afterEach(() => cleanup());

const URL = "http://studio.test/api/upload/audio";
const BOUNDARY = "----studio-test-boundary";

function formRequest(parts: [field: string, value: string | Blob, filename?: string][]): Request {
  const form = new FormData();
  for (const [field, value, filename] of parts) {
    if (typeof value === "string") form.append(field, value);
    else form.append(field, value, filename);
  }
  return new Request(URL, { method: "POST", body: form });
}

function filePart(field: string, filename: string, body: string | Buffer): Buffer {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), Buffer.from(body), Buffer.from("\r\n")]);
}

function rawRequest(body: Buffer | string, headers: Record<string, string> = {}): Request {
  return new Request(URL, {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  });
}

const closing = Buffer.from(`--${BOUNDARY}--\r\n`);

/** A body that streams `size` file bytes in fresh 64 KiB chunks (nothing shared between chunks). */
function streamingRequest(size: number, onPull?: () => void, failAfter?: number): Request {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.();
      if (sent === -1) {
        controller.enqueue(new Uint8Array(head));
        const wav = wavBytes(0);
        controller.enqueue(new Uint8Array(wav));
        sent = wav.length;
        return;
      }
      if (failAfter !== undefined && sent >= failAfter) {
        controller.error(new Error("client went away"));
        return;
      }
      if (sent >= size) {
        controller.enqueue(new Uint8Array(tail));
        controller.close();
        return;
      }
      const chunk = Buffer.alloc(Math.min(64 * 1024, size - sent), 0x61);
      sent += chunk.length;
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    },
  });
  return new Request(URL, {
    method: "POST",
    body,
    duplex: "half",
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
  } as RequestInit);
}

async function refusal(request: Request, options = opts): Promise<{ code: string; message: string }> {
  try {
    const staged = await receiveUpload(request, options);
    await staged.discard();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("expected a refusal");
}

describe("receiveUpload", () => {
  it("stages the file and reports its size, head and checked name", async () => {
    const wav = wavBytes(1000);
    const staged = await receiveUpload(formRequest([["title", "demo"], ["file", new Blob([wav]), "Chanson d'été – démo.WAV"]]), opts);
    expect(staged).toMatchObject({ name: "Chanson d'été – démo.WAV", ext: "wav", format: "wav", size: wav.length });
    expect(Buffer.from(staged.head)).toEqual(wav.subarray(0, 64));
    expect(staged.tempPath.startsWith(staging)).toBe(true);
    expect(await readFile(staged.tempPath)).toEqual(wav);
    expect(await listFiles(staging)).toHaveLength(1);
    await staged.discard();
    await staged.discard();
    expect(await listFiles(staging)).toEqual([]);
  });

  it("keeps a short file's whole content as head", async () => {
    const staged = await receiveUpload(formRequest([["file", new Blob(["RIFF"]), "x.wav"]]), opts);
    expect(Buffer.from(staged.head).toString()).toBe("RIFF");
    await staged.discard();
  });

  it("accepts a file of exactly the limit", async () => {
    const staged = await receiveUpload(formRequest([["file", new Blob([Buffer.alloc(1024, 1)]), "x.wav"]]), { ...opts, maxBytes: 1024 });
    expect(staged.size).toBe(1024);
    await staged.discard();
  });

  it("refuses one byte over the limit with TOO_LARGE and leaves staging empty", async () => {
    const error = await refusal(formRequest([["file", new Blob([Buffer.alloc(1025, 1)]), "x.wav"]]), { ...opts, maxBytes: 1024 });
    expect(error.code).toBe("TOO_LARGE");
    expect(await listFiles(staging)).toEqual([]);
    const big = await refusal(formRequest([["file", new Blob([Buffer.alloc(3 * 1024 * 1024 + 1)]), "x.wav"]]), {
      ...opts,
      maxBytes: 3 * 1024 * 1024,
    });
    expect(big).toMatchObject({ code: "TOO_LARGE", message: expect.stringContaining("3 MB limit") });
    expect(await listFiles(staging)).toEqual([]);
  });

  it("refuses early when Content-Length is far over the limit", async () => {
    const body = Buffer.concat([filePart("file", "x.wav", Buffer.alloc(200 * 1024)), closing]);
    const error = await refusal(rawRequest(body, { "content-length": String(body.length) }), { ...opts, maxBytes: 100 * 1024 });
    expect(error.code).toBe("TOO_LARGE");
    expect(await listFiles(staging)).toEqual([]);
  });

  it("refuses an empty file with CORRUPT_FILE", async () => {
    const error = await refusal(formRequest([["file", new Blob([]), "x.wav"]]));
    expect(error).toMatchObject({ code: "CORRUPT_FILE", message: "The file is empty." });
    expect(await listFiles(staging)).toEqual([]);
  });

  it("refuses two files", async () => {
    const twice = await refusal(formRequest([["file", new Blob([wavBytes()]), "a.wav"], ["file", new Blob([wavBytes()]), "b.wav"]]));
    expect(twice).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("exactly one file") });
    const other = await refusal(formRequest([["file", new Blob([wavBytes()]), "a.wav"], ["extra", new Blob([wavBytes()]), "b.wav"]]));
    expect(other.code).toBe("VALIDATION_ERROR");
    expect(await listFiles(staging)).toEqual([]);
  });

  it("refuses a form without a `file` field", async () => {
    const error = await refusal(formRequest([["title", "no file here"]]));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("`file` field") });
    const empty = await refusal(rawRequest(closing));
    expect(empty.code).toBe("VALIDATION_ERROR");
  });

  it("refuses a file in another field", async () => {
    const error = await refusal(formRequest([["upload", new Blob([wavBytes()]), "a.wav"]]));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("`upload` field") });
    expect(await listFiles(staging)).toEqual([]);
  });

  it("refuses a body that is not multipart/form-data", async () => {
    const json = new Request(URL, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect((await refusal(json)).code).toBe("VALIDATION_ERROR");
    const noBoundary = new Request(URL, { method: "POST", body: "x", headers: { "content-type": "multipart/form-data" } });
    expect((await refusal(noBoundary)).code).toBe("VALIDATION_ERROR");
  });

  it("checks the name before writing a byte", async () => {
    for (const [name, code] of [
      ["../../x.wav", "VALIDATION_ERROR"],
      ["..%2f..%2fx.wav", "VALIDATION_ERROR"],
      ["x%00.wav", "VALIDATION_ERROR"],
      ["x.wav.php", "UNSUPPORTED_TYPE"],
    ] as const) {
      const error = await refusal(rawRequest(Buffer.concat([filePart("file", name, wavBytes()), closing])));
      expect(error.code, name).toBe(code);
    }
    expect(await listFiles(staging)).toEqual([]);
  });

  it("reads UTF-8 file names as UTF-8", async () => {
    const staged = await receiveUpload(rawRequest(Buffer.concat([filePart("file", "歌.wav", wavBytes()), closing])), opts);
    expect(staged.name).toBe("歌.wav");
    await staged.discard();
  });

  it("refuses a multipart body cut short and leaves staging empty", async () => {
    const error = await refusal(rawRequest(filePart("file", "x.wav", wavBytes(5000)).subarray(0, 4000)));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("cut short") });
    expect(await listFiles(staging)).toEqual([]);
  });

  it("cleans up when the client's body errors midway", async () => {
    const error = await refusal(streamingRequest(4 * 1024 * 1024, undefined, 512 * 1024));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("interrupted") });
    expect(await listFiles(staging)).toEqual([]);
  });

  it("streams a 32 MB upload without holding it in memory", async () => {
    const size = 32 * 1024 * 1024;
    const big = { ...opts, maxBytes: size };
    // Written chunks become garbage; collecting every 4 MB makes RSS track what the upload
    // keeps alive (bounded when streaming, ~32 MB when buffering) instead of V8's GC timing.
    const collect = (globalThis as { gc?: () => void }).gc;
    let pulls = 0;
    let peak = 0;
    const sample = (): void => {
      if (++pulls % 64 === 0) collect?.();
      peak = Math.max(peak, process.memoryUsage.rss());
    };
    await (await receiveUpload(streamingRequest(4 * 1024 * 1024, sample), big)).discard();
    collect?.();

    const before = process.memoryUsage.rss();
    peak = before;
    const staged = await receiveUpload(streamingRequest(size, sample), big);
    expect(staged.size).toBe(size);
    expect((await listFiles(staging)).map((name) => join(staging, name))).toEqual([staged.tempPath]);
    await staged.discard();
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("receiveUpload with an inspector reading alongside", () => {
  const payload = Buffer.concat([wavBytes(0), Buffer.alloc(700_000, 7)]);
  const request = () => formRequest([["file", new Blob([new Uint8Array(payload)]), "take.wav"]]);

  /** An inspector that records what the intake tells it and reads the file once it is complete. */
  function recordingInspector() {
    const log = { appended: 0, events: [] as string[], path: "" };
    const inspect: Inspector<Buffer> = (_format, path) => {
      log.path = path;
      let complete!: () => void;
      let abandon!: (error: Error) => void;
      const done = new Promise<void>((resolve, reject) => ((complete = resolve), (abandon = reject)));
      const watcher = {
        appended(bytes: number) {
          log.appended += bytes;
        },
        finished() {
          log.events.push("finished");
          complete();
        },
        abandoned() {
          log.events.push("abandoned");
          abandon(new Error("abandoned"));
        },
      };
      return { watcher, result: done.then(() => readFile(path)) };
    };
    return { inspect, log };
  }

  it("tells the inspector of every byte as it lands on disk, then that the file is complete", async () => {
    const { inspect, log } = recordingInspector();
    const staged = await receiveUpload(request(), { ...opts, inspect });
    expect(log.path).toBe(staged.tempPath);
    expect(log.appended).toBe(payload.length);
    expect(log.events).toEqual(["finished"]);
    expect(staged.inspection?.status).toBe("fulfilled");
    expect((staged.inspection as PromiseFulfilledResult<Buffer>).value.equals(payload)).toBe(true);
    await staged.discard();
  });

  it("still stages the file when the inspector fails early", async () => {
    const failing = await receiveUpload(request(), {
      ...opts,
      inspect: () => ({ watcher: { appended() {}, finished() {}, abandoned() {} }, result: Promise.reject(new Error("not audio")) }),
    });
    expect(failing.inspection).toMatchObject({ status: "rejected", reason: { message: "not audio" } });
    expect((await readFile(failing.tempPath)).equals(payload)).toBe(true);
    await failing.discard();
    expect(await listFiles(staging)).toEqual([]);
  });

  it("tells the inspector when the upload is refused, and leaves nothing staged", async () => {
    const { inspect, log } = recordingInspector();
    // Streamed without a length, so the limit trips mid-write rather than before the first byte.
    await expect(receiveUpload(streamingRequest(2 * 1024 * 1024), { ...opts, inspect })).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(log.appended).toBeGreaterThan(0);
    expect(log.events).toEqual(["abandoned"]);
    expect(await listFiles(staging)).toEqual([]);
  });
});
