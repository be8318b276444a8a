import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { GrowingFile, inspectAudio, inspectGrowingFile, type AudioFormat, type AudioInfo } from "@mini-studio/audio";
import {
  assertFormatMatches,
  inspectImage,
  inspectMidi,
  mimeTypeOf,
  newKey,
  receiveUpload,
  thumbnailKey,
  type Inspector,
  type StagedUpload,
  type UploadKind,
  type UploadRequest,
} from "@mini-studio/storage";
import type { Context } from "../context";
import { toAssetView, type AssetView } from "./view";

/** Images above this many pixels are refused before decoding (decompression bombs). */
export const MAX_IMAGE_PIXELS = 40_000_000;

const ASSET_KIND = { audio: "AUDIO", midi: "MIDI", image: "IMAGE" } as const;

type Inspected = { metadata: Record<string, unknown>; thumbnail?: Buffer };
type Staged = StagedUpload<AudioInfo>;

/** Audio is decoded on a worker thread while it lands on disk; see `receiveUpload`'s inspector. */
function streamingInspector(kind: UploadKind, maxSeconds: number): Inspector<AudioInfo> | undefined {
  if (kind !== "audio") return undefined;
  return (format, path) => {
    const file = new GrowingFile(path);
    return { watcher: file, result: inspectGrowingFile(file, { format: format as AudioFormat, maxSeconds }) };
  };
}

/** The full parse: the file must really be what it claims, within the studio's limits. */
async function inspect(kind: UploadKind, staged: Staged, maxAudioSeconds: number): Promise<Inspected> {
  switch (kind) {
    case "audio": {
      const inspection = staged.inspection!;
      if (inspection.status === "fulfilled") return { metadata: inspection.value };
      // While streaming, the file's size is unknown, so a WAV header's length is believed and a
      // lying header ("4 GB") reads as TOO_LONG. Now the size is known: ask the header again.
      if (staged.format === "wav" && (inspection.reason as { code?: string }).code === "TOO_LONG") {
        const source = createReadStream(staged.tempPath, { highWaterMark: 1 << 20 });
        await inspectAudio(source, { format: "wav", maxSeconds: maxAudioSeconds, byteLength: staged.size });
      }
      throw inspection.reason;
    }
    case "midi":
      return { metadata: inspectMidi(await readFile(staged.tempPath)) };
    case "image": {
      const { thumbnail, ...metadata } = await inspectImage(staged.tempPath, { maxPixels: MAX_IMAGE_PIXELS });
      return { metadata, thumbnail };
    }
  }
}

/**
 * Takes one uploaded file through every check (name and extension, size while streaming, magic
 * bytes, a full parse), then files it under a server-made name and records the asset.
 * Whatever fails, nothing is left behind: no staged file, no stored file, no row.
 */
export async function uploadAsset(
  ctx: Pick<Context, "db" | "config" | "storage" | "log">,
  userId: string,
  request: UploadRequest,
  kind: UploadKind,
): Promise<{ path: string; asset: AssetView }> {
  const staged = await receiveUpload(request, {
    kind,
    maxBytes: ctx.config.maxContentLengthBytes,
    stagingDir: ctx.storage.stagingDir(),
    inspect: streamingInspector(kind, ctx.config.maxAudioSeconds),
  });
  try {
    assertFormatMatches(staged.format, staged.head);
    const { metadata, thumbnail } = await inspect(kind, staged, ctx.config.maxAudioSeconds);
    const { id, key } = newKey(kind, staged.ext);
    const thumbKey = thumbnail ? thumbnailKey(id) : null;
    const stored: string[] = [];
    try {
      await ctx.storage.putFile(key, staged.tempPath);
      stored.push(key);
      if (thumbnail && thumbKey) {
        await ctx.storage.put(thumbKey, thumbnail);
        stored.push(thumbKey);
      }
      const asset = await ctx.db.prisma.asset.create({
        data: {
          id,
          userId,
          kind: ASSET_KIND[kind],
          source: "UPLOADED",
          name: staged.name,
          storageKey: key,
          mimeType: mimeTypeOf(staged.format),
          sizeBytes: staged.size,
          metadata: metadata as object,
          thumbnailKey: thumbKey,
        },
      });
      ctx.log.info({ assetId: id, kind, size: staged.size }, "upload stored");
      return { path: key, asset: toAssetView(asset, { peaks: true }) };
    } catch (error) {
      await Promise.all(stored.map((k) => ctx.storage.delete(k)));
      throw error;
    }
  } finally {
    await staged.discard();
  }
}
