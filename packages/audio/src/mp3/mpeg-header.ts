/**
 * The 4-byte MPEG audio frame header: enough to split a stream into frames.
 * ISO/IEC 11172-3 §2.4.1.3 and §2.4.2.3 (MPEG-1), ISO/IEC 13818-3 §2.4.1.3 (MPEG-2 LSF),
 * plus the unofficial MPEG-2.5 extension (version bits 00).
 */

// kbit/s by bitrate_index 1..14; index 0 ("free format") and 15 are not decodable here.
const BITRATES = {
  v1l1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
// Hz by sampling_frequency index, for version bits 00 (2.5), 10 (2), 11 (1).
const SAMPLE_RATES: Record<number, number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };

export type MpegHeader = { layer: 1 | 2 | 3; sampleRate: number; channels: 1 | 2; frameBytes: number };

/** Parses the header at `b[p..p+3]`; null when those bytes cannot start a decodable frame. */
export function parseMpegHeader(b: Uint8Array, p: number): MpegHeader | null {
  if (p + 4 > b.length || b[p] !== 0xff || (b[p + 1]! & 0xe0) !== 0xe0) return null;
  const version = (b[p + 1]! >> 3) & 3;
  const layerBits = (b[p + 1]! >> 1) & 3;
  const bitrateIndex = b[p + 2]! >> 4;
  const rateIndex = (b[p + 2]! >> 2) & 3;
  const padding = (b[p + 2]! >> 1) & 1;
  const rates = SAMPLE_RATES[version];
  if (!rates || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3 || (b[p + 3]! & 3) === 2) return null;

  const layer = (4 - layerBits) as 1 | 2 | 3;
  const v1 = version === 3;
  const table = v1 ? [BITRATES.v1l1, BITRATES.v1l2, BITRATES.v1l3][layer - 1]! : layer === 1 ? BITRATES.v2l1 : BITRATES.v2l23;
  const bitrate = table[bitrateIndex - 1]! * 1000;
  const sampleRate = rates[rateIndex]!;
  // Layer I counts 4-byte slots; Layer III's half-size MPEG-2 granule uses 72 instead of 144.
  const frameBytes =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((layer === 3 && !v1 ? 72 : 144) * bitrate) / sampleRate) + padding;
  const channels = b[p + 3]! >> 6 === 3 ? 1 : 2;
  return { layer, sampleRate, channels, frameBytes };
}

/**
 * Whether two headers belong to one stream: same sync, version, layer and sample rate. Bitrate,
 * padding and stereo mode change from frame to frame. This is mpg123's HDR_CMPMASK (0xfffe0c00).
 */
export function sameStream(a: Uint8Array, p: number, b: Uint8Array, q: number): boolean {
  return a[p] === b[q] && (a[p + 1]! & 0xfe) === (b[q + 1]! & 0xfe) && (a[p + 2]! & 0x0c) === (b[q + 2]! & 0x0c);
}
