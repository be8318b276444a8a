import { type Progress } from "../effects/define";
import { type AudioBuffer } from "../types";
import { type AudioAnalysis, createAudioAnalyzer } from "./analyzer";

export type { AudioAnalysis } from "./analyzer";

export type AnalyzeAudioOptions = {
  /** Waveform buckets; fewer when the audio has fewer frames. Default 800, at most 100 000. */
  peakCount?: number;
  onProgress?: Progress;
};

/** Frames per block fed to the analyzer: per-block overhead is negligible, and progress comes every ~0.4 s of audio. */
const CHUNK = 16_384;

/** Measures a whole buffer: the streaming analyzer (analyzer.ts), fed in blocks. */
export function analyzeAudio(audio: AudioBuffer, opts: AnalyzeAudioOptions = {}): AudioAnalysis {
  const { sampleRate, channels } = audio;
  const frames = channels[0]?.length ?? 0;
  const analyzer = createAudioAnalyzer({ sampleRate, channels: channels.length, expectedFrames: frames, peakCount: opts.peakCount, onProgress: opts.onProgress });
  // Views rather than [start, end) of the whole arrays: the analyzer sizes its per-block state by the arrays' length.
  for (let start = 0; start < frames; start += CHUNK) {
    const end = Math.min(frames, start + CHUNK);
    analyzer.add(channels.map((x) => x.subarray(start, end)));
  }
  return analyzer.result();
}

/** Every number that is not finite becomes null: what JSON.stringify would do silently, but typed. */
export type JsonSafe<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] };

/** For the wire: -Infinity dB values (silence) of an analysis (or a loudness result) become null. */
export function toJsonSafe<T extends object>(analysis: T): JsonSafe<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(analysis)) out[key] = typeof value === "number" && !Number.isFinite(value) ? null : value;
  return out as JsonSafe<T>;
}
