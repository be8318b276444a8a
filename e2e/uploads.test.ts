import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWav, sineTone } from "@mini-studio/audio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStudio, type Studio } from "./support/server";

// Through the production server: the multipart body really streams through Next.js, the wasm
// decoders and sharp load from node_modules, and files land under STORAGE_DIR.
describe("uploads through the running studio", () => {
  let studio: Studio;
  let cookie: string;
  let mp3: Buffer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "mini-studio-e2e-files-"));
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-b:a", "128k", join(dir, "a.mp3")]);
    mp3 = readFileSync(join(dir, "a.mp3"));
    studio = await startStudio({ MAX_CONTENT_LENGTH_MB: "16" });
    const res = await fetch(`${studio.url}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "uploads@example.com", password: "a long enough password" }),
    });
    cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  });
  afterAll(async () => {
    await studio?.stop();
  });

  it("stores an MP3, describes it, and streams it back with Range", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(mp3)]), "sine.mp3");
    const res = await fetch(`${studio.url}/api/upload/audio`, { method: "POST", body: form, headers: { cookie } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { success: boolean; path: string; asset: { id: string; metadata: { durationSec: number } } };
    expect(body.success).toBe(true);
    expect(body.path).toMatch(/^uploads\/audio\/[a-z0-9]+\.mp3$/);
    expect(body.asset.metadata.durationSec).toBeGreaterThan(2.9);
    expect(readdirSync(join(studio.storageDir, "uploads", "audio"))).toEqual([body.path.split("/").pop()]);

    const part = await fetch(`${studio.url}/api/files/${body.asset.id}`, { headers: { cookie, range: "bytes=0-9" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(mp3.subarray(0, 10));
  });

  it("streams a WAV larger than anything a proxy would buffer (12 MB)", async () => {
    const seconds = 72;
    const wav = encodeWav(sineTone({ seconds }));
    const form = new FormData();
    form.append("file", new Blob([wav]), "long take.wav");
    const res = await fetch(`${studio.url}/api/upload/audio`, { method: "POST", body: form, headers: { cookie } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { asset: { sizeBytes: number; metadata: { durationSec: number } } };
    expect(body.asset.sizeBytes).toBe(wav.length);
    expect(body.asset.metadata.durationSec).toBeCloseTo(seconds, 3);
  });

  it("refuses a corrupt file and keeps nothing of it", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(mp3.subarray(0, mp3.length / 2 + 7))]), "cut.mp3");
    const res = await fetch(`${studio.url}/api/upload/audio`, { method: "POST", body: form, headers: { cookie } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ success: false, error: { code: "CORRUPT_FILE" } });
    expect(readdirSync(join(studio.storageDir, "uploads", "audio"))).toHaveLength(2);
    expect(readdirSync(join(studio.storageDir, ".staging"))).toEqual([]);
  });

  it("answers an upload over the limit while it is still arriving, and keeps nothing of it", async () => {
    // Chunked, so no Content-Length warns the server: the limit trips mid-stream (20 MB > 16 MB).
    const path = join(mkdtempSync(join(tmpdir(), "mini-studio-e2e-big-")), "too big.wav");
    writeFileSync(path, encodeWav(sineTone({ seconds: 120 })));
    const out = execFileSync(
      "curl",
      ["-sS", "-H", "Transfer-Encoding: chunked", "-H", `cookie: ${cookie}`, "-F", `file=@${path}`, "-w", "\n%{http_code}", `${studio.url}/api/upload/audio`],
      { encoding: "utf8" },
    );
    const [json, status] = out.trimEnd().split("\n") as [string, string];
    expect(status).toBe("413");
    expect(JSON.parse(json)).toMatchObject({ success: false, error: { code: "TOO_LARGE" } });
    expect(readdirSync(join(studio.storageDir, ".staging"))).toEqual([]);
    expect(readdirSync(join(studio.storageDir, "uploads", "audio"))).toHaveLength(2);
  });

  it("keeps an idle connection for 65 s, longer than clients and proxies keep theirs", async () => {
    // With Node's default of 5 s, a client reusing a connection at about that age (undici's cut-off
    // is 4 s) raced the server closing it, and the request failed with "other side closed".
    const res = await fetch(`${studio.url}/api/health`);
    await res.arrayBuffer();
    expect(res.headers.get("keep-alive")).toBe("timeout=65");
  });

  it("answers other methods on the upload route with 405 and the ones it takes", async () => {
    const res = await fetch(`${studio.url}/api/upload/audio`, { headers: { cookie } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    expect(await res.json()).toMatchObject({ success: false, error: { code: "METHOD_NOT_ALLOWED" } });
  });
});
