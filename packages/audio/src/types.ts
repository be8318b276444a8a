export type AudioFormat = "wav" | "mp3" | "flac";

/** Planar float32 audio: one array per channel, all the same length. */
export type AudioBuffer = { sampleRate: number; channels: Float32Array[] };

/** What a stream's header (or its first frame) says, known before any audio block is handed out. */
export type AudioStreamInfo = {
  container: AudioFormat;
  /** ffmpeg-style codec name: "pcm_s16le", "pcm_f32le", "mp3", "flac", ... */
  codec: string;
  sampleRate: number;
  channels: number;
  /** Bits per sample of the source; null for lossy codecs. */
  bitDepth: number | null;
  /**
   * Frames (samples per channel) the header declares: the WAV data size, FLAC STREAMINFO's total.
   * null when only decoding to the end can tell (MP3, FLAC written by a streaming encoder).
   * The stream verifies the declared count at its end.
   */
  frames: number | null;
};

export type WaveformPeaks = { count: number; min: number[]; max: number[] };

export type AudioInfo = {
  container: AudioFormat;
  codec: string;
  sampleRate: number;
  channels: number;
  bitDepth: number | null;
  frames: number;
  durationSec: number;
  /** `count` buckets over the whole file, min/max over all channels, in [-1, 1], 4 decimals. */
  peaks: WaveformPeaks;
};
