import { type Progress } from "../effects/define";
import { PeakAccumulator } from "../peaks";
import { type AudioBuffer, type WaveformPeaks } from "../types";
import { linearToDb } from "./decibels";
import { type SampleStats } from "./k-weighting";
import { LoudnessMeter } from "./loudness";
import { TRUE_PEAK_BLOCK, truePeakInterpolator, truePeakOfChannel } from "./true-peak";

export type AnalyzeAudioOptions = {
  /** Waveform buckets; fewer when the audio has fewer frames. Default 800, at most 100 000. */
  peakCount?: number;
  onProgress?: Progress;
};

/**
 * Levels of a buffer. dB values are -Infinity for silence (and loudness values for audio too short
 * to measure, see LoudnessResult); JSON cannot carry that, so send `toJsonSafe(result)`, which
 * turns every non-finite number into null.
 */
export type AudioAnalysis = {
  durationSec: number;
  sampleRate: number;
  channels: number;
  frames: number;
  /** Sample peak over all channels, dBFS. */
  peakDbfs: number;
  /** True peak (BS.1770-4 Annex 2, 4× oversampled below 88.2 kHz) over all channels, dBTP. */
  truePeakDbtp: number;
  /** Unweighted RMS over all samples of all channels, dBFS; a full-scale sine reads -3.01. */
  rmsDbfs: number;
  /** BS.1770-4 / EBU R128 gated integrated loudness, LUFS. */
  integratedLufs: number;
  /** EBU Tech 3342 loudness range, LU (0 when shorter than 3 s or silent). */
  loudnessRangeLu: number;
  /** Loudest momentary (400 ms) loudness, LUFS. */
  momentaryMaxLufs: number;
  /** Loudest short-term (3 s) loudness, LUFS. */
  shortTermMaxLufs: number;
  /**
   * Samples (over all channels) with |x| ≥ 32767/32768, the largest positive 16-bit value: a 16-bit
   * file clipped at full scale counts on both polarities, and so do 24-bit and float files (float
   * samples beyond ±1 count too). Runs of clipped samples count sample by sample.
   */
  clippedSamples: number;
  /** Waveform peaks, as `inspectAudio` gives them. */
  peaks: WaveformPeaks;
};

const MAX_PEAKS = 100_000;
const CLIP_LEVEL = 32767 / 32768;
/** Frames per pass-1 block: small enough to stay in cache for the waveform peaks. */
const CHUNK = 4096;

/**
 * Measures everything in two passes over the buffer, with no allocation per sample: the first
 * K-weights into 100 ms energies, gathering sample statistics and block maxima in the same loop,
 * and waveform peaks; the second oversamples only the blocks that could hold the true peak.
 */
export function analyzeAudio(audio: AudioBuffer, opts: AnalyzeAudioOptions = {}): AudioAnalysis {
  const peakCount = opts.peakCount ?? 800;
  if (!Number.isInteger(peakCount) || peakCount < 1 || peakCount > MAX_PEAKS) {
    throw new RangeError(`peakCount must be an integer from 1 to ${MAX_PEAKS}, got ${peakCount}`);
  }
  const progress = opts.onProgress ?? (() => {});
  const { sampleRate, channels } = audio;
  const frames = channels[0]?.length ?? 0;
  const meter = new LoudnessMeter(sampleRate, channels.length, frames);
  const peaks = new PeakAccumulator(peakCount, frames);
  const blockCount = Math.ceil(frames / TRUE_PEAK_BLOCK);
  const stats: SampleStats[] = channels.map(() => ({
    blockMax: new Float32Array(blockCount),
    blockSize: TRUE_PEAK_BLOCK,
    clipLevel: CLIP_LEVEL,
    sumSquares: 0,
    clipped: 0,
  }));

  const reportEvery = Math.max(1, Math.round(frames / CHUNK / 50)) * CHUNK;
  for (let start = 0; start < frames; start += CHUNK) {
    const end = Math.min(frames, start + CHUNK);
    meter.add(channels, start, end, stats);
    peaks.add(channels.map((x) => x.subarray(start, end)));
    if (end % reportEvery === 0) progress((0.8 * end) / frames);
  }
  let peak = 0;
  let sumSquares = 0;
  let clipped = 0;
  for (const s of stats) {
    for (let b = 0; b < blockCount; b++) peak = Math.max(peak, s.blockMax[b]!);
    sumSquares += s.sumSquares;
    clipped += s.clipped;
  }

  const ip = truePeakInterpolator(sampleRate);
  let truePeak = peak;
  for (let c = 0; c < channels.length; c++) {
    truePeak = truePeakOfChannel(channels[c]!, ip, stats[c]!.blockMax, truePeak);
    progress(0.8 + (0.2 * (c + 1)) / channels.length);
  }

  const loudness = meter.result();
  const samples = frames * channels.length;
  progress(1);
  return {
    durationSec: frames / sampleRate,
    sampleRate,
    channels: channels.length,
    frames,
    peakDbfs: linearToDb(peak),
    truePeakDbtp: linearToDb(truePeak),
    rmsDbfs: samples > 0 ? linearToDb(Math.sqrt(sumSquares / samples)) : -Infinity,
    integratedLufs: loudness.integratedLufs,
    loudnessRangeLu: loudness.loudnessRangeLu,
    momentaryMaxLufs: loudness.momentaryMaxLufs,
    shortTermMaxLufs: loudness.shortTermMaxLufs,
    clippedSamples: clipped,
    peaks: peaks.result(),
  };
}

/** Every number that is not finite becomes null: what JSON.stringify would do silently, but typed. */
export type JsonSafe<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] };

/** For the wire: -Infinity dB values (silence) become null. */
export function toJsonSafe(analysis: AudioAnalysis): JsonSafe<AudioAnalysis> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(analysis)) out[key] = typeof value === "number" && !Number.isFinite(value) ? null : value;
  return out as JsonSafe<AudioAnalysis>;
}
