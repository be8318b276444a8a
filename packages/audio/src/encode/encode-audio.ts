import { extensionOf } from "../audio-format";
import { type AudioBuffer } from "../types";
import { encodeWav, type WavBitDepth } from "../wav/wav-encoder";
import { AudioEncodeError, invalidOptions } from "./encode-error";
import { encodeMp3 } from "./mp3-encoder";

/** The formats the studio writes. FLAC is read, not written (there is no pure-JS FLAC encoder here). */
export type EncodeFormat = "wav" | "mp3";
export const ENCODE_FORMATS: readonly EncodeFormat[] = ["wav", "mp3"];

export type EncodeOptions = {
  format: EncodeFormat;
  /** WAV only: 16 or 24-bit PCM, or 32-bit float. Default 16. */
  bitDepth?: WavBitDepth;
  /** MP3 only: constant bitrate in kbit/s. Default 192. */
  bitrateKbps?: number;
  /** MP3 only (WAV is instant): 0..1 as the encoder goes. */
  onProgress?: (fraction: number) => void;
};

// Reading formats live apart from the encoders, so that code which only reads never loads them.
export { audioFormatFromPath } from "../audio-format";

const BIT_DEPTHS: readonly number[] = [16, 24, 32];

/**
 * Writes audio as a whole file. An option that does not apply to the format (a bit depth for MP3,
 * a bitrate for WAV) is refused, not ignored: the caller asked for something they would not get.
 */
export function encodeAudio(audio: AudioBuffer, opts: EncodeOptions): Uint8Array {
  const { format, bitDepth, bitrateKbps } = opts;
  if (format === "wav") {
    if (bitrateKbps !== undefined) throw invalidOptions("A bitrate applies to MP3 only; WAV is uncompressed (choose a bit depth instead).");
    if (bitDepth !== undefined && !BIT_DEPTHS.includes(bitDepth)) {
      throw invalidOptions(`A WAV bit depth is 16, 24 or 32 (float), not ${String(bitDepth)}.`, { bitDepth });
    }
    if (audio.channels.length === 0) throw invalidOptions("The audio has no channels.");
    return encodeWav(audio, bitDepth === undefined ? {} : { bitDepth });
  }
  if (format === "mp3") {
    if (bitDepth !== undefined) throw invalidOptions("A bit depth applies to WAV only; MP3 is set by its bitrate.");
    return encodeMp3(audio, { ...(bitrateKbps === undefined ? {} : { bitrateKbps }), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  }
  throw unsupportedOutput(String(format));
}

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

function unsupportedOutput(what: string): AudioEncodeError {
  const flac = what === ".flac" || what === "flac";
  return new AudioEncodeError(
    "UNSUPPORTED_FORMAT",
    flac
      ? "Writing FLAC is not supported (FLAC files can be read, not written). Write .wav for lossless output, or .mp3."
      : `Cannot write audio as ${what}: the studio writes .wav or .mp3.`,
    { format: what },
  );
}
