/**
 * The WAVE `fmt ` chunk.
 *
 * References:
 * - [RIFF] IBM/Microsoft, "Multimedia Programming Interface and Data Specifications 1.0" (1991),
 *   ch. 3 "RIFF" and "WAVE Form Type": WAVEFORMAT / PCMWAVEFORMAT.
 * - [WFX] Microsoft, "Multiple Channel Audio Data and WAVE Files" (2007): WAVEFORMATEXTENSIBLE.
 */
import { corrupt, unsupported } from "../errors";

/** How one sample is stored; each maps to one conversion loop in pcm.ts. */
export type SampleKind = "u8" | "s16" | "s24" | "s32" | "f32" | "f64";

export type WavFormat = {
  kind: SampleKind;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels of one sample instant). */
  blockAlign: number;
  /** Bytes per sample: the container, which may hold fewer valid bits (left-justified, [WFX]). */
  bytesPerSample: number;
  /** Meaningful bits per sample, as reported to users. */
  bitDepth: number;
  codec: string;
};

// wFormatTag values, from mmreg.h.
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** KSDATAFORMAT_SUBTYPE_* GUIDs are `XXXXXXXX-0000-0010-8000-00AA00389B71`; bytes 4..15 as stored. */
const SUBTYPE_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const CODECS: Record<SampleKind, string> = {
  u8: "pcm_u8",
  s16: "pcm_s16le",
  s24: "pcm_s24le",
  s32: "pcm_s32le",
  f32: "pcm_f32le",
  f64: "pcm_f64le",
};

/** Parses the body of a `fmt ` chunk (at least the 16 bytes of PCMWAVEFORMAT). */
export function parseFmt(body: Uint8Array): WavFormat {
  if (body.length < 16) throw corrupt(`The WAV format chunk is ${body.length} bytes; at least 16 are needed.`);
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  // [RIFF] WAVEFORMAT: wFormatTag, nChannels, nSamplesPerSec, nAvgBytesPerSec, nBlockAlign;
  // PCMWAVEFORMAT adds wBitsPerSample. nAvgBytesPerSec is derived and often wrong, so ignored.
  let tag = v.getUint16(0, true);
  const channels = v.getUint16(2, true);
  const sampleRate = v.getUint32(4, true);
  const blockAlign = v.getUint16(12, true);
  const bitsPerSample = v.getUint16(14, true);
  let validBits = bitsPerSample;

  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    // [WFX] WAVEFORMATEX.cbSize (>= 22), then wValidBitsPerSample, dwChannelMask, SubFormat GUID.
    if (body.length < 40 || v.getUint16(16, true) < 22) throw corrupt("The WAV extensible format chunk is too short.");
    validBits = v.getUint16(18, true) || bitsPerSample;
    if (!SUBTYPE_TAIL.every((b, i) => body[28 + i] === b)) throw unsupported("The WAV file uses an unknown sub-format.");
    tag = v.getUint16(24, true); // the GUID's first field carries the plain format tag
  }

  if (channels === 0) throw corrupt("The WAV file declares 0 channels.");
  if (sampleRate === 0) throw corrupt("The WAV file declares a sample rate of 0 Hz.");

  const kind = sampleKind(tag, bitsPerSample);
  const bytesPerSample = Math.ceil(bitsPerSample / 8);
  if (blockAlign !== channels * bytesPerSample) {
    throw corrupt(
      `The WAV block align is ${blockAlign} bytes; ${channels} channel(s) of ${bitsPerSample}-bit samples need ${channels * bytesPerSample}.`,
      { blockAlign, channels, bitsPerSample },
    );
  }
  if (validBits > bitsPerSample) throw corrupt(`The WAV file declares ${validBits} valid bits in ${bitsPerSample}-bit samples.`);

  return { kind, channels, sampleRate, blockAlign, bytesPerSample, bitDepth: validBits, codec: CODECS[kind] };
}

function sampleKind(tag: number, bits: number): SampleKind {
  if (tag === WAVE_FORMAT_PCM) {
    // [RIFF] "Data Packing for PCM WAVE Files": samples are stored in whole bytes, left-justified,
    // so e.g. 12-bit audio sits in a 16-bit container and decodes exactly like 16-bit.
    if (bits >= 1 && bits <= 8) return "u8";
    if (bits <= 16) return "s16";
    if (bits <= 24) return "s24";
    if (bits <= 32) return "s32";
    throw unsupported(`${bits}-bit integer WAV files are not supported.`, { bitsPerSample: bits });
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits === 32) return "f32";
    if (bits === 64) return "f64";
    throw corrupt(`A floating-point WAV file cannot have ${bits}-bit samples.`, { bitsPerSample: bits });
  }
  throw unsupported(`WAV format 0x${tag.toString(16).padStart(4, "0")} is not supported; use PCM or IEEE float.`, {
    formatTag: tag,
  });
}
