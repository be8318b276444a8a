import type { AudioBuffer } from "../types";

export type WavBitDepth = 16 | 24 | 32;

/**
 * Writes planar float32 as a canonical RIFF/WAVE file: PCM 16 or 24-bit (WAVE_FORMAT_PCM, 1), or
 * IEEE float 32-bit (WAVE_FORMAT_IEEE_FLOAT, 3). Integer output is clipped to full scale, with the
 * same mapping the decoder uses (x · 2^(bits-1)), so a decode → encode round trip is lossless.
 */
export function encodeWav(audio: AudioBuffer, opts: { bitDepth?: WavBitDepth } = {}): Uint8Array {
  const bitDepth = opts.bitDepth ?? 16;
  const channels = audio.channels.length;
  const frames = audio.channels[0]?.length ?? 0;
  const bytesPerSample = bitDepth / 8;
  const blockAlign = channels * bytesPerSample;
  const dataSize = frames * blockAlign;
  const out = new Uint8Array(44 + dataSize);
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
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitDepth, true);
  ascii(36, "data");
  view.setUint32(40, dataSize, true);

  // Channels outside, samples inside: each channel is a strided write into the interleaved data.
  for (let ch = 0; ch < channels; ch++) {
    const src = audio.channels[ch]!;
    let p = 44 + ch * bytesPerSample;
    for (let i = 0; i < frames; i++, p += blockAlign) {
      const x = src[i]!;
      if (bitDepth === 32) {
        view.setFloat32(p, x, true);
      } else if (bitDepth === 16) {
        view.setInt16(p, Math.max(-32768, Math.min(32767, Math.round(x * 32768))), true);
      } else {
        const v = Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
        out[p] = v & 0xff;
        out[p + 1] = (v >> 8) & 0xff;
        out[p + 2] = (v >> 16) & 0xff;
      }
    }
  }
  return out;
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
