/**
 * The mel settings every DiffSinger bank of this project uses (DESIGN.md, "tensor facts"), and the
 * slaney mel scale they are measured on. Shared by the formant table, both generated graphs and
 * the tests, so bin positions agree everywhere.
 */

export const SAMPLE_RATE = 44100;
export const HOP_SIZE = 512;
export const WIN_SIZE = 2048;
export const FFT_SIZE = 2048;
export const NUM_MEL_BINS = 128;
export const MEL_FMIN = 40;
export const MEL_FMAX = 16000;
/** DiffSinger clamps the mel magnitude at 1e-5 before taking its log. */
export const MEL_FLOOR = 1e-5;
export const LN_MEL_FLOOR = Math.log(MEL_FLOOR);

// Slaney's Auditory Toolbox mel scale, as librosa.hz_to_mel(htk=False) computes it:
// linear below 1 kHz (200/3 Hz per mel), logarithmic above (27 mels per factor 6.4).
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number): number {
  return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
}

export function melToHz(mel: number): number {
  return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
}

export const SLANEY = { F_SP, MIN_LOG_HZ, MIN_LOG_MEL, LOG_STEP } as const;

const MEL_LO = hzToMel(MEL_FMIN);
const MEL_HI = hzToMel(MEL_FMAX);
/** Mel distance between neighbouring filters: n_mels + 2 edge points span fmin..fmax (librosa.filters.mel). */
export const MEL_STEP = (MEL_HI - MEL_LO) / (NUM_MEL_BINS + 1);
export const MEL_OF_BIN0 = MEL_LO + MEL_STEP;

/** Centre frequency (Hz) of each mel filter: the peak of its triangle. */
export const MEL_BIN_HZ: Float64Array = Float64Array.from({ length: NUM_MEL_BINS }, (_, j) => melToHz(MEL_OF_BIN0 + j * MEL_STEP));

/** Fractional mel-bin index of a frequency (0 = first filter's peak), unclamped. */
export function hzToBin(hz: number): number {
  return (hzToMel(hz) - MEL_OF_BIN0) / MEL_STEP;
}

/** Hz between neighbouring filter peaks around `hz` (half a slaney filter's width): MEL_STEP · dHz/dmel. */
export function binSpacingHz(hz: number): number {
  return MEL_STEP * (hz < MIN_LOG_HZ ? F_SP : hz * LOG_STEP);
}

/** Bin spacing at every filter centre. */
export const MEL_BIN_SPACING_HZ: Float64Array = MEL_BIN_HZ.map(binSpacingHz);

/**
 * How DiffSinger's magnitude mel (slaney-normalised filters over a 2048-point Hann STFT) reads a
 * harmonic of amplitude A: a resolved harmonic at a filter's peak gives 1024·A/Δ (Δ = bin spacing);
 * when several harmonics fall in one filter the filter averages them to 1024·A/f0. Derivation: the
 * Hann main lobe sums to A·Σw = 1024·A over its bins, and a slaney filter's peak weight is 1/Δ per Hz.
 */
export const MEL_PER_HARMONIC = 1024;

/**
 * The mel value of unit-variance white noise in any bin: E|X_k| = √(π/4 · Σw²) = √(π/4 · 768) ≈ 24.56,
 * times a slaney filter's weight sum over FFT bins, 1 / (44100/2048 Hz) ≈ 0.04644.
 */
export const MEL_PER_UNIT_NOISE = Math.sqrt((Math.PI / 4) * 768) * (FFT_SIZE / SAMPLE_RATE);
