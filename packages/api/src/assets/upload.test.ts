import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createLocalDriver } from "@mini-studio/storage";
import { createTestDb, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "../credits/ledger";
import { restRoute } from "../http/rest";
import { assetHandlers } from "../http/routes/assets";
import { authHandlers } from "../http/routes/auth";
import { createMemoryRateLimiter } from "../rate-limit";
import { PASSWORD, testConfig } from "../test-support";
import { decompressionBomb, makeFixtures, midiBytes, wavBytes, zipBytes, type Fixtures } from "./fixtures.test-support";

type Body = { success: boolean; path?: string; asset?: Record<string, unknown> & { id: string; metadata: Record<string, unknown> }; error?: { code: string; message: string } };

describe("uploads", () => {
  let db: TestDb;
  let storageDir: string;
  let fixtures: Fixtures;
  let cookie: string;
  let userId: string;
  let upload: ReturnType<typeof restRoute>;
  const accepted: string[] = [];

  beforeAll(async () => {
    db = await createTestDb("pglite");
    storageDir = mkdtempSync(join(tmpdir(), "mini-studio-uploads-"));
    fixtures = makeFixtures();
    // 1 MB, so "one byte over the limit" is a small file; 3 s of audio at most.
    const config = testConfig({ STORAGE_DIR: storageDir, MAX_CONTENT_LENGTH_MB: "1", MAX_AUDIO_SECONDS: "3", RATE_LIMIT_ENABLED: "0" });
    const deps = { db, config, rateLimiter: createMemoryRateLimiter(), storage: createLocalDriver(storageDir) };
    upload = restRoute(assetHandlers.upload, deps);
    const signup = await restRoute(authHandlers.signup, deps)(
      new Request("http://studio.test/api/auth/signup", { method: "POST", body: JSON.stringify({ email: "uploader@example.com", password: PASSWORD }) }),
    );
    cookie = signup.headers.get("set-cookie")!.split(";")[0]!;
    userId = ((await signup.json()) as { user: { id: string } }).user.id;
  });
  afterAll(async () => {
    await db?.close();
  });

  async function send(kind: string, parts: [field: string, bytes: Buffer, name: string][], headers: Record<string, string> = { cookie }) {
    const form = new FormData();
    for (const [field, bytes, name] of parts) form.append(field, new Blob([new Uint8Array(bytes)]), name);
    const res = await upload(new Request(`http://studio.test/api/upload/${kind}`, { method: "POST", body: form, headers }), {
      params: Promise.resolve({ kind }),
    });
    return { status: res.status, body: (await res.json()) as Body };
  }

  const file = (kind: string, bytes: Buffer, name: string) => send(kind, [["file", bytes, name]]);

  it.each([
    ["audio", "wav", "take one.wav", { container: "wav", sampleRate: 44_100, channels: 2, bitDepth: 16 }],
    ["audio", "mp3", "take two.mp3", { container: "mp3", sampleRate: 44_100 }],
    ["audio", "flac", "Chanson d'été – démo.flac", { container: "flac", sampleRate: 44_100, bitDepth: 16 }],
    ["midi", "mid", "melody.mid", { noteCount: 4, durationSec: 2 }],
    ["image", "png", "cover.png", { format: "png", width: 320, height: 200 }],
    ["image", "jpg", "cover.JPG", { format: "jpeg", width: 320, height: 200 }],
    ["image", "webp", "歌.webp", { format: "webp", width: 320, height: 200 }],
  ] as const)("accepts a real %s file (.%s) and records its metadata", async (kind, format, name, metadata) => {
    const { status, body } = await file(kind, fixtures[format], name);
    expect(status).toBe(201);
    expect(body.success).toBe(true);
    const folder = kind === "image" ? "images" : kind;
    expect(body.path).toMatch(new RegExp(`^uploads/${folder}/[a-z0-9]+\\.${name.split(".").pop()!.toLowerCase()}$`));
    expect(body.asset).toMatchObject({ name: name.normalize("NFC"), path: body.path, source: "UPLOADED", metadata });
    expect(existsSync(join(storageDir, body.path!))).toBe(true);
    accepted.push(body.path!);
    if (kind === "image") {
      expect(body.asset!.thumbnailUrl).toBe(`/api/files/${body.asset!.id}/thumbnail`);
      accepted.push(`uploads/images/${body.asset!.id}.thumb.webp`);
    }
    if (kind === "audio") {
      expect(body.asset!.metadata.durationSec).toBeCloseTo(2, 1);
      expect((body.asset!.metadata.peaks as { count: number }).count).toBeGreaterThan(0);
    }
  });

  it("honours the lyric events of a MIDI file", async () => {
    const { body } = await file("midi", midiBytes(), "sung.mid");
    accepted.push(body.path!);
    expect((body.asset!.metadata.lyrics as { text: string }[]).map((l) => l.text)).toEqual(["la", "li", "lo", "lu"]);
  });

  const half = (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2));
  const claims4GB = () => {
    const bytes = wavBytes(0.1);
    bytes.writeUInt32LE(0xffffffff - 8, 4);
    bytes.writeUInt32LE(0xffffffff - 44, 40);
    return bytes;
  };
  const polyglot = () => Buffer.concat([fixtures.png.subarray(0, 33), Buffer.from("<?php system($_GET['c']); ?>\n".repeat(20))]);

  it.each([
    ["a truncated WAV", "audio", () => half(fixtures.wav), "x.wav", "CORRUPT_FILE", 422],
    ["a truncated MP3", "audio", () => half(fixtures.mp3), "x.mp3", "CORRUPT_FILE", 422],
    ["a truncated FLAC", "audio", () => half(fixtures.flac), "x.flac", "CORRUPT_FILE", 422],
    ["a WAV header that claims 4 GB", "audio", claims4GB, "x.wav", "CORRUPT_FILE", 422],
    ["audio longer than MAX_AUDIO_SECONDS", "audio", () => wavBytes(4, { channels: 1, sampleRate: 8000 }), "x.wav", "TOO_LONG", 422],
    ["a PNG renamed .wav", "audio", () => fixtures.png, "x.wav", "TYPE_MISMATCH", 422],
    ["a ZIP renamed .mid", "midi", zipBytes, "x.mid", "TYPE_MISMATCH", 422],
    ["a polyglot named .png", "image", polyglot, "x.png", "CORRUPT_FILE", 422],
    ["a decompression-bomb PNG", "image", decompressionBomb, "x.png", "TOO_LARGE", 413],
    ["an empty file", "audio", () => Buffer.alloc(0), "x.wav", "CORRUPT_FILE", 422],
    ["a file one byte over the limit", "audio", () => Buffer.alloc(1024 * 1024 + 1, 1), "x.wav", "TOO_LARGE", 413],
    ["x.wav.php", "audio", () => fixtures.wav, "x.wav.php", "UNSUPPORTED_TYPE", 415],
    ["an image sent to the audio route", "audio", () => fixtures.png, "x.png", "UNSUPPORTED_TYPE", 415],
    ["../../x.wav", "audio", () => fixtures.wav, "../../x.wav", "VALIDATION_ERROR", 400],
    ["..%2f..%2fx.wav", "audio", () => fixtures.wav, "..%2f..%2fx.wav", "VALIDATION_ERROR", 400],
    ["a NUL byte in the name", "audio", () => fixtures.wav, "x\u0000.wav", "VALIDATION_ERROR", 400],
    ["a 300-character name", "audio", () => fixtures.wav, `${"a".repeat(296)}.wav`, "VALIDATION_ERROR", 400],
  ])("refuses %s with its code", async (_label, kind, bytes, name, code, status) => {
    const res = await file(kind, bytes(), name);
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
    expect(res.body.success).toBe(false);
    expect(res.body.error!.message.length).toBeGreaterThan(10);
  });

  it("refuses two files, a missing file field and an unknown kind", async () => {
    expect((await send("audio", [["file", fixtures.wav, "a.wav"], ["file", fixtures.wav, "b.wav"]])).body.error?.code).toBe("VALIDATION_ERROR");
    expect((await send("audio", [["audio", fixtures.wav, "a.wav"]])).body.error?.code).toBe("VALIDATION_ERROR");
    expect((await send("audio", [])).body.error?.code).toBe("VALIDATION_ERROR");
    expect((await send("video", [["file", fixtures.wav, "a.wav"]])).status).toBe(404);
  });

  it("refuses an upload without authentication, before reading it", async () => {
    const res = await send("audio", [["file", fixtures.wav, "a.wav"]], {});
    expect(res).toMatchObject({ status: 401, body: { success: false, error: { code: "UNAUTHORIZED" } } });
  });

  it("leaves exactly the accepted files behind, nothing staged, and spends no credits", async () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else found.push(relative(storageDir, path));
      }
    };
    walk(storageDir);
    expect(found.sort()).toEqual([...accepted].sort());
    expect(await db.prisma.asset.count({ where: { userId } })).toBe(accepted.filter((p) => !p.endsWith(".thumb.webp")).length);
    expect(await getBalance(db.prisma, userId)).toBe(50);
  });
});
