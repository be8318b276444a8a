import type { AudioBuffer } from "../types";

export type WavBitDepth = 16 | 24 | 32;

/**
 * Writes planar float32 as a canonical RIFF/WAVE file: PCM 16 or 24-bit (WAVE_FORMAT_PCM, 1), or
 * IEEE float 32-bit (WAVE_FORMAT_IEEE_FLOAT, 3). Integer output is clipped to full scale, with the
 * same mapping the decoder uses (x · 2^(bits-1)), so a decode → encode round trip is lossless.
 */
export function encodeWav(audio: AudioBuffer, opts: { bitDepth?: WavBitDepth } = {}): Uint8Array {
  const bitDepth = opts.bitDepth ?? 16;
  const frames = audio.channels[0]?.length ?? 0;
  const header = wavHeader({ sampleRate: audio.sampleRate, channels: audio.channels.length, bitDepth, frames });
  const out = new Uint8Array(WAV_HEADER_BYTES + frames * audio.channels.length * (bitDepth / 8));
  out.set(header);
  writeInterleaved(audio.channels, 0, frames, bitDepth, out, WAV_HEADER_BYTES);
  return out;
}

export const WAV_HEADER_BYTES = 44;

/**
 * The 44-byte canonical header. A writer that learns the length only at the end writes this
 * first with its best guess and rewrites it once the frames are counted.
 */
export function wavHeader(format: { sampleRate: number; channels: number; bitDepth: WavBitDepth; frames: number }): Uint8Array {
  const { sampleRate, channels, bitDepth, frames } = format;
  const blockAlign = channels * (bitDepth / 8);
  const dataSize = frames * blockAlign;
  const out = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataSize, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, bitDepth === 32 ? 3 : 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitDepth, true);
  ascii(36, "data");
  view.setUint32(40, dataSize, true);
  return out;
}

/**
 * Turns blocks of planar float32 into WAV sample bytes in one reused buffer, for writing a file
 * block by block without holding it: `encode` returns a view that is valid until the next call.
 */
export class WavBlockEncoder {
  private buffer = new Uint8Array(0);

  constructor(readonly bitDepth: WavBitDepth) {}

  encode(channels: Float32Array[], start: number, end: number): Uint8Array {
    const bytes = (end - start) * channels.length * (this.bitDepth / 8);
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
    writeInterleaved(channels, start, end, this.bitDepth, this.buffer, 0);
    return this.buffer.subarray(0, bytes);
  }
}

/**
 * Writes frames [start, end) of planar float32 as interleaved little-endian samples at byte `at`
 * of `out` (which must be 2-aligned there for 16-bit and 4-aligned for float). Integer output is
 * rounded and clipped to full scale. Channels outside, samples inside: each channel is a strided
 * write through a typed view, several times faster than a DataView per sample.
 */
export function writeInterleaved(channels: Float32Array[], start: number, end: number, bitDepth: WavBitDepth, out: Uint8Array, at: number): void {
  const stride = channels.length;
  const frames = end - start;
  if (bitDepth === 16) {
    const ints = new Int16Array(out.buffer, out.byteOffset + at, frames * stride);
    for (let ch = 0; ch < stride; ch++) {
      const src = channels[ch]!;
      for (let i = start, k = ch; i < end; i++, k += stride) {
        const x = src[i]! * 32768;
        // Math.floor(x + 0.5) rounds as Math.round does, and V8 compiles it about 4× faster.
        ints[k] = x >= 32767 ? 32767 : x <= -32768 ? -32768 : Math.floor(x + 0.5);
      }
    }
    return;
  }
  if (bitDepth === 32) {
    const floats = new Float32Array(out.buffer, out.byteOffset + at, frames * stride);
    for (let ch = 0; ch < stride; ch++) {
      const src = channels[ch]!;
      for (let i = start, k = ch; i < end; i++, k += stride) floats[k] = src[i]!;
    }
    return;
  }
  const blockAlign = 3 * stride;
  for (let ch = 0; ch < stride; ch++) {
    const src = channels[ch]!;
    for (let i = start, p = at + 3 * ch; i < end; i++, p += blockAlign) {
      const x = src[i]! * 8388608;
      const v = x >= 8388607 ? 8388607 : x <= -8388608 ? -8388608 : Math.floor(x + 0.5);
      out[p] = v & 0xff;
      out[p + 1] = (v >> 8) & 0xff;
      out[p + 2] = (v >> 16) & 0xff;
    }
  }
}

/** A sine tone, the same in every channel: the studio's test signal. */
export function sineTone(opts: { seconds: number; freqHz?: number; amplitude?: number; sampleRate?: number; channels?: number }): AudioBuffer {
  const { seconds, freqHz = 440, amplitude = 0.5, sampleRate = 44_100, channels = 2 } = opts;
  const frames = Math.round(seconds * sampleRate);
  const wave = new Float32Array(frames);
  const step = (2 * Math.PI * freqHz) / sampleRate;
  for (let i = 0; i < frames; i++) wave[i] = amplitude * Math.sin(step * i);
  return { sampleRate, channels: Array.from({ length: channels }, (_, ch) => (ch === 0 ? wave : wave.slice())) };
}
