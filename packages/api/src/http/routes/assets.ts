import { serveAssetFile } from "../../assets/files";
import { uploadAsset } from "../../assets/upload";
import { AppError } from "../../errors";
import { ok, preflightRoute, requireSession, restRoute, type RestHandler } from "../rest";

const UPLOAD_KINDS = ["audio", "midi", "image"] as const;

function param(params: Record<string, string | string[] | undefined>, name: string): string {
  const value = params[name];
  if (typeof value !== "string" || value.length === 0 || value.length > 64) throw new AppError("NOT_FOUND");
  return value;
}

/** The handlers behind the upload and file routes (exported bare so tests can bind their own database). */
export const assetHandlers = {
  /** POST /api/upload/{audio,midi,image}, multipart with one `file` → `{success, path, asset}` (201). */
  upload: async ({ request, ctx, params, body }) => {
    const { userId } = requireSession(ctx);
    const kind = param(params, "kind");
    if (!(UPLOAD_KINDS as readonly string[]).includes(kind)) {
      throw new AppError("NOT_FOUND", `No upload route for "${kind}"; use audio, midi or image.`);
    }
    return ok(await uploadAsset(ctx, userId, { headers: request.headers, body }, kind as (typeof UPLOAD_KINDS)[number]), { status: 201 });
  },
  /** GET /api/files/:assetId (`?download` for an attachment), with Range support. */
  file: async ({ request, ctx, params }) => serveAssetFile(ctx, requireSession(ctx).userId, request, param(params, "assetId"), "file"),
  /** GET /api/files/:assetId/thumbnail — a small webp of an image asset. */
  thumbnail: async ({ request, ctx, params }) =>
    serveAssetFile(ctx, requireSession(ctx).userId, request, param(params, "assetId"), "thumbnail"),
} satisfies Record<string, RestHandler>;

export const uploadRoute = restRoute(assetHandlers.upload, { rateLimit: "uploads", cors: true });
export const uploadPreflightRoute = preflightRoute();
export const fileRoute = restRoute(assetHandlers.file);
export const thumbnailRoute = restRoute(assetHandlers.thumbnail);
