export type UploadKind = "audio" | "midi" | "image";
export type FileFormat = "wav" | "mp3" | "flac" | "midi" | "png" | "jpeg" | "webp";

type KindSpec = {
  /** Accepted file-name extensions, lower case, without the dot. */
  extensions: readonly string[];
  formats: readonly FileFormat[];
  /** Where files of this kind are kept, relative to the storage root. */
  dir: string;
};

export const UPLOAD_KINDS: Record<UploadKind, KindSpec> = {
  audio: { extensions: ["wav", "mp3", "flac"], formats: ["wav", "mp3", "flac"], dir: "uploads/audio" },
  midi: { extensions: ["mid", "midi"], formats: ["midi"], dir: "uploads/midi" },
  image: { extensions: ["png", "jpg", "jpeg", "webp"], formats: ["png", "jpeg", "webp"], dir: "uploads/images" },
};

const FORMAT_OF_EXTENSION: Record<string, FileFormat> = {
  wav: "wav",
  mp3: "mp3",
  flac: "flac",
  mid: "midi",
  midi: "midi",
  png: "png",
  jpg: "jpeg",
  jpeg: "jpeg",
  webp: "webp",
};

const MIME_TYPES: Record<FileFormat, string> = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  flac: "audio/flac",
  midi: "audio/midi",
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

export function mimeTypeOf(format: FileFormat): string {
  return MIME_TYPES[format];
}

/** The format an accepted extension stands for (`jpg` and `jpeg` are both "jpeg"), if the kind accepts it. */
export function formatOfExtension(kind: UploadKind, ext: string): FileFormat | undefined {
  const lower = ext.toLowerCase();
  if (!UPLOAD_KINDS[kind].extensions.includes(lower)) return undefined;
  return FORMAT_OF_EXTENSION[lower];
}

/** ".wav, .mp3, .flac": for messages. */
export function describeExtensions(kind: UploadKind): string {
  return UPLOAD_KINDS[kind].extensions.map((ext) => `.${ext}`).join(", ");
}
