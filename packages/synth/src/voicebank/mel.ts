/**
 * The acoustic model's mel spectrogram must be the one the vocoder was trained on. The checks and
 * the log-base conversion follow OpenUtau's DiffSingerRenderer.cs (InvokeDiffsinger): every
 * setting must match except mel_base, which is converted by scaling the log mel.
 */
import { broken } from "./files";
import type { DsConfigFile, VocoderConfigFile } from "./schemas";

export type MelSettings = {
  sampleRate: number;
  hopSize: number;
  winSize: number;
  fftSize: number;
  numMelBins: number;
  melFmin: number;
  melFmax: number;
  /** "e": natural-log mel (current exports); "10": log10 mel (older banks). */
  melBase: "e" | "10";
  melScale: "slaney" | "htk";
};

/** ln 10 and 1 / ln 10, to the precision OpenUtau uses (2.30259f, 0.434294f) plus a digit. */
export const LOG10_TO_LN = 2.302585;
export const LN_TO_LOG10 = 0.4342945;
export type MelConversion = 1 | typeof LOG10_TO_LN | typeof LN_TO_LOG10;

export function melSettings(file: DsConfigFile | VocoderConfigFile): MelSettings {
  return {
    sampleRate: file.sample_rate,
    hopSize: file.hop_size,
    winSize: file.win_size,
    fftSize: file.fft_size,
    numMelBins: file.num_mel_bins,
    melFmin: file.mel_fmin,
    melFmax: file.mel_fmax,
    melBase: file.mel_base,
    melScale: file.mel_scale,
  };
}

const MUST_MATCH: [keyof MelSettings, string][] = [
  ["sampleRate", "sample_rate"],
  ["hopSize", "hop_size"],
  ["winSize", "win_size"],
  ["fftSize", "fft_size"],
  ["numMelBins", "num_mel_bins"],
  ["melFmin", "mel_fmin"],
  ["melFmax", "mel_fmax"],
  ["melScale", "mel_scale"],
];

/** Throws BROKEN_VOICEBANK naming the first setting that differs, with both values. */
export function checkMelAgreement(voice: string, acoustic: MelSettings, vocoder: MelSettings, vocoderLabel: string): void {
  for (const [key, field] of MUST_MATCH) {
    const a = acoustic[key];
    const v = vocoder[key];
    // Frequencies are floats in both files; OpenUtau compares them within 1e-5.
    const same = typeof a === "number" && typeof v === "number" ? Math.abs(a - v) <= 1e-5 : a === v;
    if (!same) {
      throw broken(
        voice,
        `the acoustic model and the vocoder disagree on ${field}: dsconfig.yaml has ${a}, ${vocoderLabel} has ${v}`,
        { setting: field, acoustic: a, vocoder: v },
      );
    }
  }
}

/** The factor to multiply the acoustic mel by before the vocoder reads it. */
export function melConversion(acoustic: MelSettings, vocoder: MelSettings): MelConversion {
  if (acoustic.melBase === vocoder.melBase) return 1;
  // log_e(x) = log_10(x) · ln 10
  return acoustic.melBase === "10" ? LOG10_TO_LN : LN_TO_LOG10;
}
