import { type SampleKind } from "./wav-format";

/**
 * Converts `frames` interleaved little-endian frames starting at byte `src` of `bytes` into planar
 * float32 at `at` of each `out` channel. Integer formats map full scale to [-1, 1): the common
 * convention (x / 2^(bits-1)), which keeps 0 exact and round-trips every code.
 * Channels outside, samples inside: each inner loop is a fixed-stride read with one store.
 */
export function convertPcm(
  kind: SampleKind,
  bytes: Uint8Array,
  src: number,
  frames: number,
  stride: number,
  out: Float32Array[],
  at: number,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let ch = 0; ch < out.length; ch++) {
    const dst = out[ch]!;
    const size = BYTES[kind];
    let p = src + ch * size;
    const end = at + frames;
    switch (kind) {
      case "u8":
        // 8-bit WAV is unsigned with 128 as silence ([RIFF] "Data Format of the Samples").
        for (let i = at; i < end; i++, p += stride) dst[i] = (bytes[p]! - 128) * (1 / 128);
        break;
      case "s16": {
        // The common case, read through an Int16Array when aligned: about twice as fast as DataView.
        const offset = bytes.byteOffset + p;
        if (LITTLE_ENDIAN && frames > 0 && offset % 2 === 0 && stride % 2 === 0) {
          const ints = new Int16Array(bytes.buffer, offset, (frames - 1) * (stride / 2) + 1);
          const step = stride / 2;
          for (let i = at, k = 0; i < end; i++, k += step) dst[i] = ints[k]! * (1 / 32768);
        } else {
          for (let i = at; i < end; i++, p += stride) dst[i] = view.getInt16(p, true) * (1 / 32768);
        }
        break;
      }
      case "s24":
        // Assemble the three bytes in the top of an int32, then shift back to sign-extend.
        for (let i = at; i < end; i++, p += stride) dst[i] = (((bytes[p]! << 8) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 24)) >> 8) * (1 / 8388608);
        break;
      case "s32":
        for (let i = at; i < end; i++, p += stride) dst[i] = view.getInt32(p, true) * (1 / 2147483648);
        break;
      case "f32":
        for (let i = at; i < end; i++, p += stride) dst[i] = view.getFloat32(p, true);
        break;
      case "f64":
        for (let i = at; i < end; i++, p += stride) dst[i] = view.getFloat64(p, true);
        break;
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const BYTES: Record<SampleKind, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };
