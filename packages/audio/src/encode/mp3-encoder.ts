import { Mp3Encoder } from "@breezystack/lamejs";
import { type AudioBuffer } from "../types";
import { invalidOptions } from "./encode-error";
import { withLameTag } from "./lame-tag";

type MpegVersion = "MPEG-1" | "MPEG-2" | "MPEG-2.5";

// ISO/IEC 11172-3 (MPEG-1) and 13818-3 (MPEG-2 LSF) sample rates, plus the unofficial MPEG-2.5.
const VERSION_BY_RATE = new Map<number, MpegVersion>([
  [32000, "MPEG-1"],
  [44100, "MPEG-1"],
  [48000, "MPEG-1"],
  [16000, "MPEG-2"],
  [22050, "MPEG-2"],
  [24000, "MPEG-2"],
  [8000, "MPEG-2.5"],
  [11025, "MPEG-2.5"],
  [12000, "MPEG-2.5"],
]);

// Layer III bitrates (kbit/s) per version. MPEG-2.5 stops at 64: LAME's own table (tables.c) does.
const BITRATES: Record<MpegVersion, readonly number[]> = {
  "MPEG-1": [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "MPEG-2": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "MPEG-2.5": [8, 16, 24, 32, 40, 48, 56, 64],
};

// The lowest bitrate (kbit/s) at which LAME keeps the sample rate, [mono, stereo]. Below it LAME
// picks a lower output rate (as the `lame` command does), and lamejs's port of that resampler is
// broken (fractional indices: silence or misaligned taps), so those bitrates are refused.
// Measured with lamejs 1.2.7; mp3-encoder.test.ts checks the edges.
const MIN_KBPS: Record<number, readonly [number, number]> = {
  8000: [8, 8],
  11025: [16, 32],
  12000: [16, 32],
  16000: [16, 32],
  22050: [32, 48],
  24000: [40, 56],
  32000: [48, 80],
  44100: [64, 112],
  48000: [64, 128],
};

export const MP3_SAMPLE_RATES: readonly number[] = [...VERSION_BY_RATE.keys()].sort((a, b) => a - b);
export const DEFAULT_MP3_BITRATE_KBPS = 192;

// One MPEG-1 frame (two MPEG-2 frames) per call. Not more: lamejs's resampler, which LAME turns
// on at low bitrates, outputs silence when a call carries more than 1152 samples; larger blocks
// are no faster anyway (the time is in the psychoacoustics, not in the calls).
const BLOCK_FRAMES = 1152;

export type Mp3Options = {
  /** Constant bitrate in kbit/s, from the MPEG set for the sample rate. Default 192 (or the highest below it). */
  bitrateKbps?: number;
  /** Called with 0..1 as the encoder goes (about 100 times): a 3-minute song takes 10 s or so. */
  onProgress?: (fraction: number) => void;
};

/**
 * The bitrates (kbit/s) an MP3 of this sample rate and channel count can use here: the MPEG set
 * for the rate, from the lowest at which LAME keeps the rate. Empty when MP3 has no such rate.
 */
export function mp3BitratesFor(sampleRate: number, channels: 1 | 2): readonly number[] {
  const version = VERSION_BY_RATE.get(sampleRate);
  if (!version) return [];
  const min = MIN_KBPS[sampleRate]![channels - 1]!;
  return BITRATES[version].filter((kbps) => kbps >= min);
}

/**
 * Constant-bitrate MP3 (MPEG Layer III) with LAME, via the pure-JS port @breezystack/lamejs.
 *
 * - One or two channels. More are refused rather than downmixed: a downmix needs the speaker
 *   layout (ITU-R BS.775), which planar float32 does not carry.
 * - The sample rate must be one MP3 has (see MP3_SAMPLE_RATES); the caller resamples first.
 * - The file keeps the sample rate. Bitrates too low for it (44.1 kHz stereo below 112 kbit/s,
 *   see mp3BitratesFor) are refused: LAME would lower the rate, and lamejs's resampler is broken.
 * - A LAME "Info" header records the encoder delay and padding, so gapless decoders (mpg123,
 *   ffmpeg, ours) give back exactly the input's length; others add about 1105 samples of
 *   silence at the start and up to a frame and a half at the end.
 * - Samples are clipped to full scale and rounded to 16 bits, as encodeWav does.
 */
export function encodeMp3(audio: AudioBuffer, opts: Mp3Options = {}): Uint8Array {
  const { sampleRate, channels } = audio;
  const channelCount = channels.length;
  if (channelCount < 1 || channelCount > 2) {
    throw invalidOptions(
      `MP3 holds one or two channels; this audio has ${channelCount}. Downmix it to stereo or mono first.`,
      { channels: channelCount },
    );
  }
  const version = VERSION_BY_RATE.get(sampleRate);
  if (!version) {
    throw invalidOptions(
      `MP3 cannot store audio at ${sampleRate} Hz. Resample it first to one of ${MP3_SAMPLE_RATES.join(", ")} Hz (44100 or 48000 for music).`,
      { sampleRate, supported: MP3_SAMPLE_RATES },
    );
  }
  const allowed = mp3BitratesFor(sampleRate, channelCount === 1 ? 1 : 2);
  const bitrateKbps = opts.bitrateKbps ?? Math.min(DEFAULT_MP3_BITRATE_KBPS, allowed[allowed.length - 1]!);
  if (!allowed.includes(bitrateKbps)) {
    const layout = channelCount === 1 ? "mono" : "stereo";
    const inSet = BITRATES[version].includes(bitrateKbps);
    throw invalidOptions(
      inSet
        ? `${bitrateKbps} kbit/s is too low for ${layout} MP3 at ${sampleRate} Hz (the encoder would lower the sample rate). ` +
            `Choose one of ${allowed.join(", ")} kbit/s${channelCount === 2 ? ", make it mono" : ""}, or resample it to a lower rate first.`
        : `An MP3 at ${sampleRate} Hz (${version}) cannot have a bitrate of ${String(bitrateKbps)} kbit/s. ` +
            `Choose one of ${allowed.join(", ")} kbit/s for ${layout}.`,
      { bitrateKbps, sampleRate, channels: channelCount, supported: allowed },
    );
  }
  const left = channels[0]!;
  const right = channels[1] ?? left;
  const frames = left.length;
  if (right.length !== frames) {
    throw invalidOptions(`The channels differ in length (${frames} and ${right.length} samples).`);
  }
  // LAME would write one silent frame, which decoders (ours, ffmpeg) reject as a file with no audio.
  if (frames === 0) throw invalidOptions("The audio is empty: there is nothing to write as MP3.");

  const encoder = new Mp3Encoder(channelCount, sampleRate, bitrateKbps);
  const leftInt = new Int16Array(BLOCK_FRAMES);
  const rightInt = channelCount === 2 ? new Int16Array(BLOCK_FRAMES) : leftInt;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const keep = (chunk: Uint8Array | Int8Array) => {
    if (chunk.length === 0) return;
    // lamejs hands out fresh Int8Arrays (its typing says Uint8Array): view them as bytes.
    chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.length;
  };

  let reported = 0;
  for (let start = 0; start < frames; start += BLOCK_FRAMES) {
    const n = Math.min(BLOCK_FRAMES, frames - start);
    toInt16(left, start, n, leftInt);
    if (rightInt !== leftInt) toInt16(right, start, n, rightInt);
    // Only the last block is short, so only it needs views.
    keep(n === BLOCK_FRAMES ? encoder.encodeBuffer(leftInt, rightInt) : encoder.encodeBuffer(leftInt.subarray(0, n), rightInt.subarray(0, n)));
    // At most about a hundred reports, whatever the length: a progress bar needs no more.
    const done = (start + n) / frames;
    if (opts.onProgress && (done - reported >= 0.01 || done === 1)) {
      reported = done;
      opts.onProgress(done);
    }
  }
  keep(encoder.flush());

  const stream = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    stream.set(chunk, at);
    at += chunk.length;
  }
  return withLameTag(stream, frames);
}

/** Float [-1, 1] → int16 with the WAV encoder's mapping (x · 32768, clipped, rounded); NaN becomes 0. */
function toInt16(src: Float32Array, start: number, n: number, dst: Int16Array): void {
  for (let i = 0; i < n; i++) {
    const v = src[start + i]! * 32768;
    // An Int16Array store truncates toward zero, so ±0.5 rounds to the nearest step.
    dst[i] = v >= 32767 ? 32767 : v <= -32768 ? -32768 : v < 0 ? v - 0.5 : v + 0.5;
  }
}
