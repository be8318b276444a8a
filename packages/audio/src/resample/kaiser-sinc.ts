// Windowed-sinc lowpass kernels for band-limited interpolation: J. O. Smith, "Digital Audio
// Resampling" (ccrma.stanford.edu/~jos/resample), with a Kaiser window designed by Kaiser's formulas
// (Oppenheim & Schafer, "Discrete-Time Signal Processing", 3rd ed., §7.6.1).

export type ResampleQuality = "low" | "medium" | "high";

/**
 * A kernel design. `halfWidth` is the number of taps on each side of the centre, counted at the
 * lower of the two rates; the cutoff sits half a transition band below the lower Nyquist, so the
 * stop band starts exactly at it and nothing above it can alias back.
 */
export type KernelDesign = {
  halfWidth: number;
  /** Kaiser β for the stop-band attenuation. */
  beta: number;
  /** −6 dB point as a fraction of the lower sample rate (0.5 is its Nyquist). */
  cutoff: number;
  /** Table rows per input sample when the ratio is not a small fraction. */
  phases: number;
};

/** Stop-band attenuation (dB) and taps per side of each quality. */
const QUALITY: Record<ResampleQuality, { attenuationDb: number; halfWidth: number; phases: number }> = {
  // Pass band to 0.36 fs (15.9 kHz at 44.1 kHz): previews.
  low: { attenuationDb: 70, halfWidth: 16, phases: 128 },
  // Pass band to 0.43 fs (18.9 kHz at 44.1 kHz).
  medium: { attenuationDb: 90, halfWidth: 40, phases: 256 },
  // Pass band to 0.455 fs (20.1 kHz at 44.1 kHz), 100 dB stop band.
  high: { attenuationDb: 100, halfWidth: 72, phases: 512 },
};

export function kernelDesign(quality: ResampleQuality): KernelDesign {
  const { attenuationDb: a, halfWidth, phases } = QUALITY[quality];
  const beta = a > 50 ? 0.1102 * (a - 8.7) : 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  // Kaiser: taps − 1 = (A − 7.95) / (2.285 Δω), solved for the transition width Δf = Δω / 2π.
  const transition = (a - 7.95) / (2.285 * (2 * halfWidth - 1) * 2 * Math.PI);
  return { halfWidth, beta, cutoff: 0.5 - transition / 2, phases };
}

/** Modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 20). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * A polyphase bank: `rows` rows of `taps` coefficients. The row for a point t between input
 * samples weighs input sample floor(t) − taps/2 + 1 + k with its tap k. Every row sums to 1 (in
 * float64), so DC passes unchanged, and so do rows blended linearly.
 */
export type FilterBank = { taps: number; rows: number; coefs: Float64Array };

/**
 * Builds the bank for a conversion whose lower rate is `scale` times the input rate (scale = 1 when
 * upsampling). Row r is for the point r / divisions of the way from one input sample to the next,
 * for r in [0, rowCount).
 */
export function buildBank(design: KernelDesign, scale: number, divisions: number, rowCount: number): FilterBank {
  const reach = design.halfWidth / scale;
  const half = Math.ceil(reach);
  const taps = 2 * half;
  const coefs = new Float64Array(taps * rowCount);
  const i0Beta = besselI0(design.beta);
  const twoFc = 2 * design.cutoff;
  for (let r = 0; r < rowCount; r++) {
    const frac = r / divisions;
    const off = r * taps;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      // Distance from the interpolated point to the tap, in units of the lower rate's samples.
      const u = (frac + half - 1 - k) * scale;
      const x = u / design.halfWidth;
      if (x <= -1 || x >= 1) continue;
      const arg = Math.PI * twoFc * u;
      const sinc = arg === 0 ? 1 : Math.sin(arg) / arg;
      const c = twoFc * sinc * (besselI0(design.beta * Math.sqrt(1 - x * x)) / i0Beta);
      coefs[off + k] = c;
      sum += c;
    }
    for (let k = 0; k < taps; k++) coefs[off + k]! /= sum;
  }
  return { taps, rows: rowCount, coefs };
}
