import { Readable } from "node:stream";
import contentDisposition from "content-disposition";
import parseRange from "range-parser";
import type { Context } from "../context";
import { AppError } from "../errors";
import { findOwnAsset } from "./library";

/**
 * Streams one of the caller's files (or its thumbnail) with HTTP Range support, so players can
 * seek and downloads can resume: 200 for the whole file, 206 for one range, 416 when no range fits.
 */
export async function serveAssetFile(
  ctx: Pick<Context, "db" | "storage">,
  userId: string,
  request: Request,
  assetId: string,
  variant: "file" | "thumbnail",
): Promise<Response> {
  const asset = await findOwnAsset(ctx, userId, assetId);
  const key = variant === "file" ? asset.storageKey : asset.thumbnailKey;
  if (!key) throw new AppError("NOT_FOUND", "This asset has no thumbnail.");
  const stat = await ctx.storage.stat(key);
  if (!stat) throw new AppError("NOT_FOUND", "The file of this asset is missing.");

  const download = new URL(request.url).searchParams.has("download");
  const headers = new Headers({
    "content-type": variant === "file" ? asset.mimeType : "image/webp",
    "accept-ranges": "bytes",
    "last-modified": stat.modifiedAt.toUTCString(),
    etag: `"${asset.id}-${stat.size}-${stat.modifiedAt.getTime()}"`,
    "cache-control": "private, max-age=0, must-revalidate",
    "x-content-type-options": "nosniff",
  });
  if (variant === "file") headers.set("content-disposition", contentDisposition(asset.name, { type: download ? "attachment" : "inline" }));

  const rangeHeader = request.headers.get("range");
  const ranges = rangeHeader ? parseRange(stat.size, rangeHeader, { combine: true }) : undefined;
  if (ranges === -1) {
    headers.set("content-range", `bytes */${stat.size}`);
    return new Response(null, { status: 416, headers });
  }
  // A malformed header (-2) or several ranges: answer the whole file, which RFC 9110 allows.
  if (ranges === undefined || ranges === -2 || ranges.length !== 1 || ranges.type !== "bytes") {
    headers.set("content-length", String(stat.size));
    return new Response(request.method === "HEAD" ? null : toWeb(await ctx.storage.get(key)), { status: 200, headers });
  }
  const { start, end } = ranges[0]!;
  headers.set("content-range", `bytes ${start}-${end}/${stat.size}`);
  headers.set("content-length", String(end - start + 1));
  return new Response(request.method === "HEAD" ? null : toWeb(await ctx.storage.get(key, { start, end })), { status: 206, headers });
}

function toWeb(stream: NodeJS.ReadableStream): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream as Readable) as ReadableStream<Uint8Array>;
}
