import type { Asset } from "@mini-studio/db";
import { z } from "zod";

export const ZAssetSchema = z.object({
  id: z.string(),
  kind: z.enum(["AUDIO", "MIDI", "IMAGE", "LYRICS"]),
  source: z.enum(["UPLOADED", "GENERATED"]),
  name: z.string(),
  /** Relative to the storage root, e.g. `uploads/audio/<id>.wav`; never an absolute server path. */
  path: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export type AssetView = z.infer<typeof ZAssetSchema>;

/**
 * What clients see of an asset. Lists leave out the waveform peaks (the bulk of an audio
 * asset's metadata); `library.get` and the upload answer include them.
 */
export function toAssetView(asset: Asset, opts: { peaks?: boolean } = {}): AssetView {
  const metadata = { ...(asset.metadata as Record<string, unknown>) };
  if (!opts.peaks) delete metadata.peaks;
  return {
    id: asset.id,
    kind: asset.kind,
    source: asset.source,
    name: asset.name,
    path: asset.storageKey,
    mimeType: asset.mimeType,
    sizeBytes: asset.sizeBytes,
    metadata,
    tags: asset.tags,
    url: `/api/files/${asset.id}`,
    thumbnailUrl: asset.thumbnailKey ? `/api/files/${asset.id}/thumbnail` : null,
    createdAt: asset.createdAt,
    updatedAt: asset.updatedAt,
  };
}
