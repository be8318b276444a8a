// Test fixtures: WAV files built byte by byte, ffmpeg-made MP3/FLAC, chunked sources, measurements.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { AudioDecodeError, type AudioDecodeErrorCode } from "./errors";
import { type SampleKind } from "./wav/wav-format";

export const KINDS: SampleKind[] = ["u8", "s16", "s24", "s32", "f32", "f64"];
const BYTES: Record<SampleKind, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };

/** A sine per channel; channel c is phase-shifted so channel mix-ups show. */
export function sine(freqHz: number, amplitude: number, sampleRate: number) {
  return (ch: number, i: number) => amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate + ch * 0.5);
}

export type WavSpec = {
  kind: SampleKind;
  sampleRate: number;
  channels: number;
  frames: number;
  extensible?: boolean;
  signal?: (ch: number, i: number) => number;
};

export function fmtChunk(spec: Pick<WavSpec, "kind" | "sampleRate" | "channels" | "extensible">): Uint8Array {
  const bytes = BYTES[spec.kind];
  const float = spec.kind === "f32" || spec.kind === "f64";
  const body = new Uint8Array(spec.extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  v.setUint16(0, spec.extensible ? 0xfffe : float ? 3 : 1, true);
  v.setUint16(2, spec.channels, true);
  v.setUint32(4, spec.sampleRate, true);
  v.setUint32(8, spec.sampleRate * spec.channels * bytes, true);
  v.setUint16(12, spec.channels * bytes, true);
  v.setUint16(14, bytes * 8, true);
  if (spec.extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bytes * 8, true);
    v.setUint32(20, (1 << spec.channels) - 1, true);
    v.setUint16(24, float ? 3 : 1, true);
    body.set([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 28);
  }
  return body;
}

/** Interleaved little-endian samples, quantised by rounding (so the error is at most half a step). */
export function pcmData(spec: WavSpec): Uint8Array {
  const { kind, channels, frames } = spec;
  const signal = spec.signal ?? sine(440, 0.5, spec.sampleRate);
  const size = BYTES[kind];
  const out = new Uint8Array(frames * channels * size);
  const v = new DataView(out.buffer);
  const int = (x: number, bits: number) => Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, Math.round(x * 2 ** (bits - 1))));
  for (let i = 0, p = 0; i < frames; i++) {
    for (let ch = 0; ch < channels; ch++, p += size) {
      const x = signal(ch, i);
      if (kind === "u8") v.setUint8(p, int(x, 8) + 128);
      else if (kind === "s16") v.setInt16(p, int(x, 16), true);
      else if (kind === "s24") {
        const s = int(x, 24);
        out[p] = s & 0xff;
        out[p + 1] = (s >> 8) & 0xff;
        out[p + 2] = (s >> 16) & 0xff;
      } else if (kind === "s32") v.setInt32(p, int(x, 32), true);
      else if (kind === "f32") v.setFloat32(p, x, true);
      else v.setFloat64(p, x, true);
    }
  }
  return out;
}

/** RIFF/WAVE from raw chunks (id, body), padding odd bodies; `dataSize` overrides the data chunk's declared size. */
export function riff(chunks: [string, Uint8Array][], opts: { dataSize?: number; form?: string } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, body] of chunks) {
    const head = new Uint8Array(8);
    head.set([...id].map((c) => c.charCodeAt(0)));
    new DataView(head.buffer).setUint32(4, id === "data" && opts.dataSize !== undefined ? opts.dataSize : body.length, true);
    parts.push(head, body);
    if (body.length % 2) parts.push(new Uint8Array(1));
  }
  const size = parts.reduce((n, p) => n + p.length, 4);
  const out = new Uint8Array(8 + size);
  out.set([...(opts.form ?? "RIFF")].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, size, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8); // WAVE
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function makeWav(spec: WavSpec, extra: [string, Uint8Array][] = []): Uint8Array {
  return riff([["fmt ", fmtChunk(spec)], ...extra, ["data", pcmData(spec)]]);
}

export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Frequency from rising zero crossings, interpolated between samples. */
export function zeroCrossingHz(x: Float32Array, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let n = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) {
      const t = i - 1 + x[i - 1]! / (x[i - 1]! - x[i]!);
      if (first < 0) first = t;
      last = t;
      n++;
    }
  }
  return ((n - 1) * sampleRate) / (last - first);
}

export async function expectCode(promise: Promise<unknown>, code: AudioDecodeErrorCode): Promise<AudioDecodeError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(AudioDecodeError);
  expect((err as AudioDecodeError).code, (err as Error).message).toBe(code);
  return err as AudioDecodeError;
}

/** Converts WAV bytes with Debian's ffmpeg; `args` are the output options. */
export function ffmpegConvert(dir: string, wav: Uint8Array, ext: string, args: string[]): Uint8Array {
  const input = join(dir, `in-${Math.random().toString(36).slice(2)}.wav`);
  const output = input.replace(/\.wav$/, `.${ext}`);
  writeFileSync(input, wav);
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", input, ...args, output]);
  return new Uint8Array(readFileSync(output));
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "mini-studio-audio-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function requireTool(name: string): void {
  try {
    execFileSync(name, ["-version"], { stdio: "ignore" });
  } catch {
    throw new Error(`${name} is needed to make the MP3/FLAC fixtures: apt-get install ${name}`);
  }
}
