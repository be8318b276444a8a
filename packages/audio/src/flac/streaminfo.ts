/**
 * FLAC STREAMINFO, the mandatory first metadata block (RFC 9639 §8.2):
 * u16 min block size, u16 max block size, u24 min frame size, u24 max frame size,
 * u20 sample rate, u3 channels - 1, u5 bits per sample - 1, u36 total samples (0 = unknown), 128-bit MD5.
 */
export type StreamInfo = { sampleRate: number; channels: number; bitDepth: number; totalSamples: number | null };

export const STREAMINFO_BYTES = 34;

export function parseStreamInfo(b: Uint8Array): StreamInfo {
  const sampleRate = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4);
  const channels = ((b[12]! >> 1) & 0x7) + 1;
  const bitDepth = (((b[12]! & 0x1) << 4) | (b[13]! >> 4)) + 1;
  // 36 bits: the top 4 here, then 32; multiply rather than shift past 32 bits.
  const total = (b[13]! & 0x0f) * 2 ** 32 + ((b[14]! << 24) >>> 0) + ((b[15]! << 16) | (b[16]! << 8) | b[17]!);
  return { sampleRate, channels, bitDepth, totalSamples: total === 0 ? null : total };
}
