import { type AudioBuffer } from "../types";
import { encodeWav, type WavBitDepth } from "../wav/wav-encoder";
import { invalidOptions } from "./encode-error";
import { type EncodeFormat, unsupportedOutput } from "./encode-format";
import { encodeMp3 } from "./mp3-encoder";

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
