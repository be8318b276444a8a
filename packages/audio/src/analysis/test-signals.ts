// Generated test signals for the analysis, normalize and limiter tests (deterministic, no files).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AudioBuffer } from "../types";
import { mulberry32 as random } from "../random";
import { encodeWav } from "../wav/wav-encoder";

export { random };

/** A 1 kHz-style sine whose peak level is `dbfs` (EBU Tech 3341 states levels as sine peak levels). */
export function toneSegments(sampleRate: number, segments: { seconds: number; dbfs: number }[], channels = 2, freqHz = 1000): AudioBuffer {
  const frames = Math.round(segments.reduce((s, g) => s + g.seconds, 0) * sampleRate);
  const out = new Float32Array(frames);
  let i = 0;
  for (const seg of segments) {
    const a = 10 ** (seg.dbfs / 20);
    const end = Math.min(frames, i + Math.round(seg.seconds * sampleRate));
    for (; i < end; i++) out[i] = a * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  }
  return { sampleRate, channels: Array.from({ length: channels }, () => out.slice()) };
}

export type MusicOptions = {
  seconds: number;
  sampleRate?: number;
  seed: number;
  /** Overall gain in dB. */
  gainDb?: number;
  /** Level of the drum transients relative to the rest, in dB (a "peaky" mix has them high). */
  drumsDb?: number;
  /** Level change of the second half in dB, for a loudness range. */
  chorusDb?: number;
};

/**
 * Something like music: chords of harmonics with attack/decay envelopes, slowly swelling filtered
 * noise, and a drum pattern (pitched kick, noise snare, short hats), in stereo with different pans.
 */
export function musicLike(opts: MusicOptions): AudioBuffer {
  const { seconds, sampleRate = 44_100, seed, gainDb = 0, drumsDb = 0, chorusDb = 4 } = opts;
  const rnd = random(seed);
  const frames = Math.round(seconds * sampleRate);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const dt = 1 / sampleRate;
  const roots = [110, 146.83, 130.81, 98];
  const chordLen = 2;
  // Chords: 3 notes of 5 harmonics each.
  for (let c = 0; c * chordLen < seconds; c++) {
    const root = roots[c % roots.length]! * (rnd() < 0.5 ? 1 : 2);
    const start = Math.round(c * chordLen * sampleRate);
    const end = Math.min(frames, Math.round((c + 1) * chordLen * sampleRate));
    for (const ratio of [1, 1.26, 1.5]) {
      const f = root * ratio;
      const pan = rnd();
      const gl = Math.cos((pan * Math.PI) / 2);
      const gr = Math.sin((pan * Math.PI) / 2);
      const phase0 = rnd() * 2 * Math.PI;
      for (let i = start; i < end; i++) {
        const t = (i - start) * dt;
        const env = Math.min(1, t / 0.05) * Math.exp(-t * 0.8);
        let v = 0;
        for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * f * h * t + phase0 * h) / h;
        v *= 0.08 * env;
        left[i]! += v * gl;
        right[i]! += v * gr;
      }
    }
  }
  // Filtered noise pad (one-pole low-pass), swelling with a slow sine.
  let lpL = 0;
  let lpR = 0;
  for (let i = 0; i < frames; i++) {
    lpL += 0.05 * (rnd() * 2 - 1 - lpL);
    lpR += 0.05 * (rnd() * 2 - 1 - lpR);
    const swell = 0.5 + 0.5 * Math.sin(2 * Math.PI * 0.1 * i * dt);
    left[i]! += 0.15 * swell * lpL;
    right[i]! += 0.15 * swell * lpR;
  }
  // Drums at 120 bpm: kick on every beat, snare on 2 and 4, hats on eighths.
  const drum = 10 ** (drumsDb / 20);
  const beat = 0.5;
  for (let b = 0; b * beat < seconds; b++) {
    const at = Math.round(b * beat * sampleRate);
    hit(at, 0.25, (t) => 0.5 * Math.sin(2 * Math.PI * (50 * t + 70 * (1 - Math.exp(-t * 30)) / 30)) * Math.exp(-t * 12), 0.5);
    if (b % 2 === 1) hit(at, 0.2, (t) => 0.35 * (rnd() * 2 - 1) * Math.exp(-t * 25), 0.45);
    hit(at + Math.round((beat / 2) * sampleRate), 0.05, (t) => 0.1 * (rnd() * 2 - 1) * Math.exp(-t * 80), 0.7);
  }
  function hit(at: number, length: number, wave: (t: number) => number, pan: number) {
    const end = Math.min(frames, at + Math.round(length * sampleRate));
    for (let i = at; i < end; i++) {
      const v = drum * wave((i - at) * dt);
      left[i]! += v * (1 - pan);
      right[i]! += v * pan;
    }
  }
  const g = 10 ** (gainDb / 20);
  const chorus = 10 ** (chorusDb / 20);
  const half = Math.floor(frames / 2);
  for (let i = 0; i < frames; i++) {
    const k = i < half ? g : g * chorus;
    left[i]! *= k;
    right[i]! *= k;
  }
  return { sampleRate, channels: [left, right] };
}

/** White noise, uniform in ±amplitude, independent per channel. */
export function noise(seconds: number, amplitude: number, seed: number, sampleRate = 44_100, channels = 2): AudioBuffer {
  const rnd = random(seed);
  const frames = Math.round(seconds * sampleRate);
  return { sampleRate, channels: Array.from({ length: channels }, () => Float32Array.from({ length: frames }, () => amplitude * (rnd() * 2 - 1))) };
}

export type FfmpegLoudness = {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbfs: number;
  integratedThresholdLufs: number;
  rangeThresholdLufs: number;
  rangeLowLufs: number;
  rangeHighLufs: number;
};

/** Measures with Debian ffmpeg's ebur128 filter, through a 24-bit WAV in a temp dir (removed after). */
export function ffmpegLoudness(audio: AudioBuffer): FfmpegLoudness {
  const dir = mkdtempSync(join(tmpdir(), "mini-studio-loudness-"));
  try {
    const file = join(dir, "in.wav");
    writeFileSync(file, encodeWav(audio, { bitDepth: 24 }));
    const run = spawnSync("ffmpeg", ["-nostats", "-hide_banner", "-i", file, "-af", "ebur128=peak=true", "-f", "null", "-"], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
    const summary = run.stderr.slice(run.stderr.lastIndexOf("Summary:"));
    const read = (pattern: RegExp) => {
      const m = pattern.exec(summary);
      if (!m) throw new Error(`no ${pattern} in ffmpeg's summary:\n${summary}`);
      return m[1] === "-inf" ? -Infinity : Number(m[1]);
    };
    // Two "Threshold:" lines: the integrated loudness's, then the range's.
    const [integratedThreshold, rangeThreshold] = [...summary.matchAll(/Threshold:\s+(-?[\d.]+|-inf) LUFS/g)].map((m) => (m[1] === "-inf" ? -Infinity : Number(m[1])));
    return {
      integratedLufs: read(/I:\s+(-?[\d.]+|-inf) LUFS/),
      loudnessRangeLu: read(/LRA:\s+(-?[\d.]+) LU/),
      truePeakDbfs: read(/Peak:\s+(-?[\d.]+|-inf) dBFS/),
      integratedThresholdLufs: integratedThreshold!,
      rangeThresholdLufs: rangeThreshold!,
      rangeLowLufs: read(/LRA low:\s+(-?[\d.]+|-inf) LUFS/),
      rangeHighLufs: read(/LRA high:\s+(-?[\d.]+|-inf) LUFS/),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
