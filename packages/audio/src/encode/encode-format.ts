import { extensionOf } from "../audio-format";
import { AudioEncodeError } from "./encode-error";

/**
 * The formats the studio writes. FLAC is read, not written (there is no pure-JS FLAC encoder here).
 * Apart from the encoders, so that choosing a format does not load the MP3 encoder.
 */
export type EncodeFormat = "wav" | "mp3";
export const ENCODE_FORMATS: readonly EncodeFormat[] = ["wav", "mp3"];

/**
 * The format of a file to write, from its extension: .wav/.wave or .mp3. FLAC is refused with
 * AudioEncodeError UNSUPPORTED_FORMAT (it can be read, not written).
 */
export function encodeFormatFromPath(path: string): EncodeFormat {
  const ext = extensionOf(path);
  if (ext === "wav" || ext === "wave") return "wav";
  if (ext === "mp3") return "mp3";
  throw unsupportedOutput(ext === "" ? `"${path}" (no extension)` : `.${ext}`);
}

export function unsupportedOutput(what: string): AudioEncodeError {
  const flac = what === ".flac" || what === "flac";
  return new AudioEncodeError(
    "UNSUPPORTED_FORMAT",
    flac
      ? "Writing FLAC is not supported (FLAC files can be read, not written). Write .wav for lossless output, or .mp3."
      : `Cannot write audio as ${what}: the studio writes .wav or .mp3.`,
    { format: what },
  );
}
