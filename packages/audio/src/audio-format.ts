import { unsupported } from "./errors";
import { type AudioFormat } from "./types";

/**
 * The format of a file to read, from its extension (case-insensitive): .wav/.wave, .mp3, .flac.
 * Throws AudioDecodeError UNSUPPORTED_TYPE for anything else.
 */
export function audioFormatFromPath(path: string): AudioFormat {
  const ext = extensionOf(path);
  if (ext === "wav" || ext === "wave") return "wav";
  if (ext === "mp3" || ext === "flac") return ext;
  throw unsupported(`Cannot tell the audio format of "${path}" from its extension: use .wav, .mp3 or .flac.`, { path });
}

/** The extension of a path's last segment, lower-case, without the dot; "" for none (or a dotfile). */
export function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}
