import { type PcmBlock } from "./stream/stream-decoder";
import { type WaveformPeaks } from "./types";
import { convertPcm } from "./wav/pcm";
import { type SampleKind } from "./wav/wav-format";

/** Frames converted at a time by `addPcm` for sample formats it doesn't scan directly. */
const CONVERT_FRAMES = 4096;

/**
 * Waveform peaks in one pass with memory independent of the file's length: min and max over all
 * channels per bucket (max rather than a mix, so out-of-phase stereo still shows its level).
 *
 * With the frame count known up front, samples go straight into their final buckets. Otherwise they
 * go into at most `8 × count` bins of 2^k frames; when the bins fill up, neighbours merge and the bin
 * size doubles. At the end each bucket takes the bins it overlaps, so a bucket's edges are exact to
 * within one bin (≤ 1/4 of a bucket), and short files (fewer frames than bins) are exact.
 */
export class PeakAccumulator {
  private readonly lo: Float32Array;
  private readonly hi: Float32Array;
  private frames = 0;
  /** Known length: the final bucket count. Unknown: the bin size in frames (a power of two). */
  private readonly buckets: number;
  private binSize = 1;
  private slot = 0;
  private slotEnd: number;
  /** Planar buffers for `addPcm` of formats it converts first, made on first use. */
  private scratch: Float32Array[] | undefined;

  constructor(
    private readonly count: number,
    private readonly knownFrames: number | null,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`peakCount must be a positive integer, got ${count}`);
    this.buckets = knownFrames === null ? count * 8 : Math.min(count, knownFrames);
    this.lo = new Float32Array(this.buckets).fill(Infinity);
    this.hi = new Float32Array(this.buckets).fill(-Infinity);
    this.slotEnd = this.boundary(1);
  }

  get totalFrames(): number {
    return this.frames;
  }

  add(block: PcmBlock): void {
    const n = block[0]?.length ?? 0;
    let i = 0;
    while (i < n) {
      if (this.frames === this.slotEnd) this.nextSlot();
      const end = i + Math.min(n - i, this.slotEnd - this.frames);
      let lo = this.lo[this.slot]!;
      let hi = this.hi[this.slot]!;
      for (const ch of block) {
        for (let k = i; k < end; k++) {
          const v = ch[k]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      this.lo[this.slot] = lo;
      this.hi[this.slot] = hi;
      this.frames += end - i;
      i = end;
    }
  }

  /**
   * `add` for interleaved frames as a WAV file stores them (WavDecoder.readPcm). 16-bit PCM, by far
   * the most common upload, is scanned as integers without converting each sample to float: the
   * same peaks (x / 32768 is exact in float32, and scaling keeps the order), in half the time.
   */
  addPcm(kind: SampleKind, bytes: Uint8Array, frames: number, stride: number, channels: number): void {
    if (kind === "s16" && stride === channels * 2 && bytes.byteOffset % 2 === 0) {
      return this.addInt16(new Int16Array(bytes.buffer, bytes.byteOffset, frames * channels), channels);
    }
    this.scratch ??= Array.from({ length: channels }, () => new Float32Array(CONVERT_FRAMES));
    for (let done = 0; done < frames; done += CONVERT_FRAMES) {
      const n = Math.min(CONVERT_FRAMES, frames - done);
      const block = n === CONVERT_FRAMES ? this.scratch : this.scratch.map((c) => c.subarray(0, n));
      convertPcm(kind, bytes, done * stride, n, stride, block, 0);
      this.add(block);
    }
  }

  /** Interleaved 16-bit samples, all channels of a slot in one flat loop. */
  private addInt16(samples: Int16Array, channels: number): void {
    const n = samples.length / channels;
    let i = 0;
    while (i < n) {
      if (this.frames === this.slotEnd) this.nextSlot();
      const end = i + Math.min(n - i, this.slotEnd - this.frames);
      let lo = 32767;
      let hi = -32768;
      for (let k = i * channels, last = end * channels; k < last; k++) {
        const v = samples[k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.lo[this.slot] = Math.min(this.lo[this.slot]!, lo / 32768);
      this.hi[this.slot] = Math.max(this.hi[this.slot]!, hi / 32768);
      this.frames += end - i;
      i = end;
    }
  }

  result(): WaveformPeaks {
    const total = this.frames;
    const count = Math.min(this.count, total);
    const min: number[] = new Array<number>(count);
    const max: number[] = new Array<number>(count);
    for (let j = 0; j < count; j++) {
      const start = Math.floor((j * total) / count);
      const end = Math.floor(((j + 1) * total) / count); // > start, since count <= total
      let lo = Infinity;
      let hi = -Infinity;
      // Known length: slot j is bucket j. Unknown: the bins this bucket overlaps.
      const [a, b] = this.knownFrames === null ? [Math.floor(start / this.binSize), Math.floor((end - 1) / this.binSize)] : [j, j];
      for (let s = a; s <= b; s++) {
        lo = Math.min(lo, this.lo[s]!);
        hi = Math.max(hi, this.hi[s]!);
      }
      if (lo > hi) lo = hi = 0; // only NaN samples
      min[j] = round(lo);
      max[j] = round(hi);
    }
    return { count, min, max };
  }

  /** End frame of slot `index - 1`, i.e. where slot `index` starts. */
  private boundary(index: number): number {
    if (this.knownFrames === null) return index * this.binSize;
    return Math.floor((index * this.knownFrames) / this.buckets);
  }

  private nextSlot(): void {
    if (this.knownFrames !== null) {
      // More frames than declared cannot be validated here (the stream refuses them); keep the last bucket.
      if (this.slot + 1 < this.buckets) this.slot++;
      this.slotEnd = this.slot + 1 < this.buckets ? this.boundary(this.slot + 1) : Infinity;
      return;
    }
    if (this.slot + 1 === this.buckets) this.mergeBins();
    this.slot++;
    this.slotEnd = (this.slot + 1) * this.binSize;
  }

  /** Halves the resolution: bin k becomes bins 2k and 2k+1. */
  private mergeBins(): void {
    const half = this.buckets / 2;
    for (let k = 0; k < half; k++) {
      this.lo[k] = Math.min(this.lo[2 * k]!, this.lo[2 * k + 1]!);
      this.hi[k] = Math.max(this.hi[2 * k]!, this.hi[2 * k + 1]!);
    }
    this.lo.fill(Infinity, half);
    this.hi.fill(-Infinity, half);
    this.binSize *= 2;
    this.slot = half - 1;
  }
}

/** Clamped to [-1, 1] (float WAVs may exceed full scale) and to 4 decimals for compact JSON. */
function round(v: number): number {
  return Math.round(Math.max(-1, Math.min(1, v)) * 1e4) / 1e4 || 0; // `|| 0` turns -0 into 0
}
