import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalDriver } from "@mini-studio/storage";
import { createTestDb, dbKinds, type TestDb } from "@mini-studio/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restRoute } from "../http/rest";
import { assetHandlers } from "../http/routes/assets";
import { createMemoryRateLimiter } from "../rate-limit";
import { browser, PASSWORD, testConfig, type Browser } from "../test-support";
import { makeFixtures, wavBytes, type Fixtures } from "./fixtures.test-support";

describe.each(await dbKinds())("the library on %s", (kind) => {
  let db: TestDb;
  let storageDir: string;
  let fixtures: Fixtures;
  let deps: Parameters<typeof restRoute>[1] & object;
  let alice: Browser;
  let bob: Browser;

  beforeAll(async () => {
    db = await createTestDb(kind);
    storageDir = mkdtempSync(join(tmpdir(), "mini-studio-library-"));
    fixtures = makeFixtures();
    const config = testConfig({ STORAGE_DIR: storageDir, RATE_LIMIT_ENABLED: "0" });
    const storage = createLocalDriver(storageDir);
    deps = { db, config, rateLimiter: createMemoryRateLimiter(), storage };
    alice = browser(db, { config, storage });
    bob = browser(db, { config, storage });
    await alice.run((c) => c.auth.signup({ email: "alice@example.com", password: PASSWORD }));
    await bob.run((c) => c.auth.signup({ email: "bob@example.com", password: PASSWORD }));
  });
  afterAll(async () => {
    await db?.close();
  });

  async function uploadAs(who: Browser, uploadKind: string, bytes: Buffer, name: string) {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)]), name);
    const res = await restRoute(assetHandlers.upload, deps)(
      new Request(`http://studio.test/api/upload/${uploadKind}`, { method: "POST", body: form, headers: { cookie: who.cookie()! } }),
      { params: Promise.resolve({ kind: uploadKind }) },
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { asset: { id: string; path: string; sizeBytes: number } }).asset;
  }

  function fetchFile(who: Browser | { authorization: string }, id: string, opts: { range?: string; suffix?: string } = {}) {
    const headers: Record<string, string> = "cookie" in who ? { cookie: who.cookie()! } : who;
    if (opts.range) headers.range = opts.range;
    const route = opts.suffix === "/thumbnail" ? assetHandlers.thumbnail : assetHandlers.file;
    return restRoute(route, deps)(new Request(`http://studio.test/api/files/${id}${opts.suffix === "?download" ? "?download" : ""}`, { headers }), {
      params: Promise.resolve({ assetId: id }),
    });
  }

  it("lists, filters, searches, sorts and pages through a user's assets", async () => {
    await uploadAs(alice, "audio", wavBytes(1), "Verse vocal.wav");
    await uploadAs(alice, "audio", wavBytes(2), "Chorus vocal.wav");
    await uploadAs(alice, "midi", fixtures.mid, "Chorus melody.mid");
    await uploadAs(alice, "image", fixtures.png, "Cover art.png");

    const all = await alice.run((c) => c.library.list({}));
    expect(all.items.map((a) => a.name)).toEqual(["Cover art.png", "Chorus melody.mid", "Chorus vocal.wav", "Verse vocal.wav"]);
    expect(all.items[2]!.metadata).not.toHaveProperty("peaks");

    expect((await alice.run((c) => c.library.list({ kind: "AUDIO", sort: "name" }))).items.map((a) => a.name)).toEqual([
      "Chorus vocal.wav",
      "Verse vocal.wav",
    ]);
    expect((await alice.run((c) => c.library.list({ search: "CHORUS" }))).items).toHaveLength(2);
    expect((await alice.run((c) => c.library.list({ source: "uploaded", kind: "MIDI" }))).items).toHaveLength(1);
    expect((await alice.run((c) => c.library.list({ source: "generated" }))).items).toHaveLength(0);
    expect((await alice.run((c) => c.library.list({ sort: "largest", limit: 1 }))).items[0]!.name).toBe("Chorus vocal.wav");

    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await alice.run((c) => c.library.list({ limit: 3, sort: "oldest", ...(cursor ? { cursor } : {}) }));
      names.push(...page.items.map((a) => a.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(["Verse vocal.wav", "Chorus vocal.wav", "Chorus melody.mid", "Cover art.png"]);
  });

  it("gets an asset with its waveform, renames and tags it, and totals usage", async () => {
    const asset = await uploadAs(alice, "audio", wavBytes(1), "Bridge.wav");
    const full = await alice.run((c) => c.library.get({ id: asset.id }));
    expect((full.metadata.peaks as { count: number }).count).toBeGreaterThan(0);

    expect((await alice.run((c) => c.library.rename({ id: asset.id, name: "  Bridge (take 2).wav " }))).name).toBe("Bridge (take 2).wav");
    await expect(alice.run((c) => c.library.rename({ id: asset.id, name: "../etc/passwd" }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await alice.run((c) => c.library.tag({ id: asset.id, tags: ["Vocals", "draft", "vocals"] }))).tags).toEqual(["vocals", "draft"]);
    expect((await alice.run((c) => c.library.list({ tag: "draft" }))).items.map((a) => a.id)).toEqual([asset.id]);

    const usage = await alice.run((c) => c.library.usage());
    expect(usage.byKind.find((k) => k.kind === "AUDIO")).toMatchObject({ count: 3 });
    expect(usage.bytes).toBe(usage.byKind.reduce((sum, k) => sum + k.bytes, 0));
  });

  it("serves files with Range support, downloads and thumbnails, to the owner and their tokens", async () => {
    const asset = await uploadAs(alice, "audio", wavBytes(1), "Range me.wav");
    const whole = await fetchFile(alice, asset.id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(asset.sizeBytes);

    const part = await fetchFile(alice, asset.id, { range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${asset.sizeBytes}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));

    const tail = await fetchFile(alice, asset.id, { range: "bytes=-10" });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));

    const beyond = await fetchFile(alice, asset.id, { range: `bytes=${asset.sizeBytes + 10}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${asset.sizeBytes}`);

    const download = await fetchFile(alice, asset.id, { suffix: "?download" });
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="Range me.wav"');

    const image = await uploadAs(alice, "image", fixtures.webp, "Art.webp");
    const thumb = await fetchFile(alice, image.id, { suffix: "/thumbnail" });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect(Buffer.from(await thumb.arrayBuffer()).subarray(8, 12).toString("latin1")).toBe("WEBP");

    const { token } = await alice.run((c) => c.auth.tokens.create({ name: "downloads" }));
    expect((await fetchFile({ authorization: `Bearer ${token}` }, asset.id)).status).toBe(200);
  });

  it("never shows or changes another user's assets (no IDOR)", async () => {
    const secret = await uploadAs(alice, "audio", wavBytes(1), "Alice only.wav");
    expect((await bob.run((c) => c.library.list({}))).items).toEqual([]);
    for (const attempt of [
      () => bob.run((c) => c.library.get({ id: secret.id })),
      () => bob.run((c) => c.library.rename({ id: secret.id, name: "mine now" })),
      () => bob.run((c) => c.library.tag({ id: secret.id, tags: ["stolen"] })),
      () => bob.run((c) => c.library.delete({ id: secret.id })),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ cause: { code: "NOT_FOUND" } });
    }
    const res = await fetchFile(bob, secret.id);
    expect(res.status).toBe(404);
    expect((await alice.run((c) => c.library.get({ id: secret.id }))).name).toBe("Alice only.wav");
    await expect(bob.run((c) => c.library.list({ cursor: secret.id }))).rejects.toMatchObject({ cause: { code: "VALIDATION_ERROR" } });
  });

  it("deletes the row and its files together", async () => {
    const image = await uploadAs(alice, "image", fixtures.jpg, "Gone.jpg");
    const row = await db.prisma.asset.findUniqueOrThrow({ where: { id: image.id } });
    expect(existsSync(join(storageDir, row.storageKey))).toBe(true);
    expect(existsSync(join(storageDir, row.thumbnailKey!))).toBe(true);
    await alice.run((c) => c.library.delete({ id: image.id }));
    expect(await db.prisma.asset.count({ where: { id: image.id } })).toBe(0);
    expect(existsSync(join(storageDir, row.storageKey))).toBe(false);
    expect(existsSync(join(storageDir, row.thumbnailKey!))).toBe(false);
    expect((await fetchFile(alice, image.id)).status).toBe(404);
  });
});
