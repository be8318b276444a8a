// Time-scale modification by a phase vocoder with identity phase locking: J. Laroche and
// M. Dolson, "Improved phase vocoder time-scale modification of audio", IEEE Trans. Speech and
// Audio Processing 7(3), 1999. Peaks of the spectrum get their phase advanced at their measured
// frequency; every other bin keeps its phase relation to the peak whose region it is in, which
// keeps partials coherent across bins and avoids the classic vocoder's "phasiness".
//
// Channels share one phase rotation per bin, computed from the sum of the channels, so the phase
// difference between channels (the stereo image) is exactly the input's. Around transients
// (stretch-onsets.ts) time runs at the original speed, so every frame renders a hit at the same
// place instead of smearing it over a window; and the first frame that reaches a hit gives the
// hit's own peaks above ~200 Hz their analysis phases back, so its attack keeps its shape.
import { type Progress } from "./define";
import { createFft } from "./stretch-fft";
import { buildTimeMap, findOnsets, mapReader } from "./stretch-onsets";

const TWO_PI = 2 * Math.PI;

/** Window of about 46 ms (2048 frames at 44.1 kHz), a power of two. */
function fftSizeFor(sampleRate: number): number {
  return Math.min(8192, Math.max(256, 2 ** Math.round(Math.log2(sampleRate * 0.0464))));
}

/** Bins below this keep their phase through a transient reset: bass notes ring on unbroken. */
const RESET_MIN_HZ = 200;
/**
 * At a transient, a peak's region takes the analysis phase only when the peak's power rose by at
 * least this factor since the previous frame: the hit's own bins reset, sustained notes under it
 * keep their phase (resetting those cuts a dip into them).
 */
const RESET_RISE = 4;

/**
 * Stretches planar `channels` (all the same length) to exactly `outLength` frames without
 * changing pitch. `progress` gets fractions in [0, 1].
 */
export function phaseVocoderStretch(channels: Float32Array[], outLength: number, sampleRate: number, progress: Progress = () => {}): Float32Array[] {
  const inLength = channels[0]?.length ?? 0;
  const outputs = channels.map(() => new Float32Array(outLength));
  if (inLength === 0 || outLength === 0) return outputs;

  const n = fftSizeFor(sampleRate);
  const bins = n / 2 + 1;
  const fft = createFft(n);
  const window = new Float64Array(n);
  for (let i = 0; i < n; i++) window[i] = 0.5 - 0.5 * Math.cos((TWO_PI * i) / n);
  // Half a window each side of an onset, plus an eighth for the error in its position: every
  // frame that contains the onset maps at slope 1.
  const map = buildTimeMap(inLength, outLength, findOnsets(channels, window, fft), n / 2 + n / 8);
  const toInput = mapReader(map);
  const onsets = map.onsets;
  let nextOnset = 0;
  // Shortening needs more synthesis overlap: the analysis hop Hs / slope must stay ≤ n / 2 so
  // peak frequencies can be measured from the phase difference without ambiguity.
  const hopOut = map.slope < 0.8 ? n / 8 : n / 4;
  // Hann analysis and synthesis windows overlap-add to 3n / (8 hop); the 1/n undoes the FFT pair.
  const outScale = 1 / (n * ((3 * n) / (8 * hopOut)));

  const channelCount = channels.length;
  const pairs = Math.ceil(channelCount / 2);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  // Per channel spectra, bins 0..n/2.
  const specRe = channels.map(() => new Float64Array(bins));
  const specIm = channels.map(() => new Float64Array(bins));
  // The reference (sum of channels) of this and the previous frame.
  const refRe = new Float64Array(bins);
  const refIm = new Float64Array(bins);
  const prevRe = new Float64Array(bins);
  const prevIm = new Float64Array(bins);
  // Squared magnitudes of the reference, this and the previous frame: peaks are picked on them.
  const mag = new Float64Array(bins);
  const prevMag = new Float64Array(bins);
  // Synthesis minus analysis phase per bin: this frame's and the previous frame's.
  const theta = new Float64Array(bins);
  const prevTheta = new Float64Array(bins);
  const peaks = new Int32Array(bins);
  const binOmega = new Float64Array(bins);
  for (let k = 0; k < bins; k++) binOmega[k] = (TWO_PI * k) / n;
  const resetFrom = Math.ceil((RESET_MIN_HZ * n) / sampleRate);

  // Synthesis frame f is centred on output frame f · hopOut; the first ones start before 0 so
  // that every output frame gets the full overlap.
  const firstFrame = 1 - Math.floor(n / 2 / hopOut);
  const lastFrame = Math.ceil((outLength - 1 + n / 2) / hopOut);
  const totalFrames = lastFrame - firstFrame + 1;
  let prevCentre = 0;

  for (let f = firstFrame; f <= lastFrame; f++) {
    const centreIn = Math.round(toInput(f * hopOut));
    const inStart = centreIn - n / 2;
    const outStart = f * hopOut - n / 2;

    // Analysis: two real channels per complex FFT (left in the real part, right in the imaginary).
    for (let p = 0; p < pairs; p++) {
      const a = channels[2 * p]!;
      const b = 2 * p + 1 < channelCount ? channels[2 * p + 1]! : null;
      loadFrame(a, inStart, window, re);
      if (b) loadFrame(b, inStart, window, im);
      else im.fill(0);
      fft.forward(re, im);
      splitPair(re, im, n, specRe[2 * p]!, specIm[2 * p]!, b ? specRe[2 * p + 1]! : null, b ? specIm[2 * p + 1]! : null);
    }
    refRe.set(specRe[0]!);
    refIm.set(specIm[0]!);
    for (let c = 1; c < channelCount; c++) {
      const sr = specRe[c]!;
      const si = specIm[c]!;
      for (let k = 0; k < bins; k++) {
        refRe[k]! += sr[k]!;
        refIm[k]! += si[k]!;
      }
    }
    for (let k = 0; k < bins; k++) mag[k] = refRe[k]! * refRe[k]! + refIm[k]! * refIm[k]!;

    // The first frame whose window reaches the next onset resets the phases.
    let onset = false;
    while (nextOnset < onsets.length && onsets[nextOnset]! < inStart + n) {
      onset = true;
      nextOnset++;
    }

    if (f === firstFrame) {
      theta.fill(0);
    } else {
      lockPhases(mag, prevMag, refRe, refIm, prevRe, prevIm, prevTheta, theta, peaks, binOmega, Math.max(1, centreIn - prevCentre), hopOut, onset ? resetFrom : bins);
    }

    // Synthesis: rotate every channel's bins by theta, two channels per inverse FFT.
    for (let p = 0; p < pairs; p++) {
      const b = 2 * p + 1 < channelCount;
      joinPair(re, im, n, theta, specRe[2 * p]!, specIm[2 * p]!, b ? specRe[2 * p + 1]! : null, b ? specIm[2 * p + 1]! : null);
      fft.inverse(re, im);
      addFrame(outputs[2 * p]!, outStart, window, re, outScale);
      if (b) addFrame(outputs[2 * p + 1]!, outStart, window, im, outScale);
    }

    prevRe.set(refRe);
    prevIm.set(refIm);
    prevMag.set(mag);
    prevTheta.set(theta);
    prevCentre = centreIn;
    if ((f - firstFrame) % 64 === 63) progress((f - firstFrame + 1) / totalFrames);
  }
  progress(1);
  return outputs;
}

/**
 * Identity phase locking. Peaks are bins louder than their two neighbours on each side; each
 * peak's frequency comes from its phase advance over the analysis hop, its synthesis phase
 * advances at that frequency over the synthesis hop, and the bins of its region (up to the
 * quietest bin between it and the next peak) take the same rotation. Peaks from `resetFrom` up
 * whose power jumped take the analysis phase unchanged (a transient's phase reset).
 */
function lockPhases(
  mag: Float64Array,
  prevMag: Float64Array,
  re: Float64Array,
  im: Float64Array,
  prevRe: Float64Array,
  prevIm: Float64Array,
  prevTheta: Float64Array,
  theta: Float64Array,
  peaks: Int32Array,
  binOmega: Float64Array,
  hopIn: number,
  hopOut: number,
  resetFrom: number,
): void {
  const bins = mag.length;
  let count = 0;
  for (let k = 0; k < bins; k++) {
    const m = mag[k]!;
    if (m === 0) continue;
    if (k >= 1 && m <= mag[k - 1]!) continue;
    if (k >= 2 && m <= mag[k - 2]!) continue;
    if (k + 1 < bins && m < mag[k + 1]!) continue;
    if (k + 2 < bins && m < mag[k + 2]!) continue;
    peaks[count++] = k;
  }
  if (count === 0) {
    theta.fill(0);
    return;
  }
  let regionStart = 0;
  for (let q = 0; q < count; q++) {
    const p = peaks[q]!;
    let rotation = 0;
    if (p < resetFrom || mag[p]! < RESET_RISE * prevMag[p]!) {
      const phase = Math.atan2(im[p]!, re[p]!);
      const prevPhase = Math.atan2(prevIm[p]!, prevRe[p]!);
      const expected = binOmega[p]! * hopIn;
      const deviation = princarg(phase - prevPhase - expected);
      const omega = binOmega[p]! + deviation / hopIn;
      // The previous synthesis phase at this bin, advanced at the peak's frequency.
      const synth = prevPhase + prevTheta[p]! + omega * hopOut;
      rotation = princarg(synth - phase);
    }
    // The region ends at the quietest bin between this peak and the next.
    let regionEnd = bins;
    if (q + 1 < count) {
      const next = peaks[q + 1]!;
      regionEnd = p + 1;
      for (let k = p + 1; k < next; k++) if (mag[k]! < mag[regionEnd]!) regionEnd = k;
    }
    for (let k = regionStart; k < regionEnd; k++) theta[k] = rotation;
    regionStart = regionEnd;
  }
}

function princarg(phase: number): number {
  return phase - TWO_PI * Math.round(phase / TWO_PI);
}

/** Windowed frame of x from `start` (zeros outside the signal) into `out`. */
function loadFrame(x: Float32Array, start: number, window: Float64Array, out: Float64Array): void {
  const n = out.length;
  const from = Math.max(0, -start);
  const to = Math.min(n, x.length - start);
  if (from > 0 || to < n) out.fill(0);
  for (let i = from; i < to; i++) out[i] = x[start + i]! * window[i]!;
}

/**
 * Spectra of two real signals packed as z = a + i·b: A_k = (Z_k + conj Z_{n−k}) / 2,
 * B_k = (Z_k − conj Z_{n−k}) / 2i.
 */
function splitPair(re: Float64Array, im: Float64Array, n: number, aRe: Float64Array, aIm: Float64Array, bRe: Float64Array | null, bIm: Float64Array | null): void {
  const bins = n / 2 + 1;
  if (!bRe || !bIm) {
    for (let k = 0; k < bins; k++) {
      aRe[k] = re[k]!;
      aIm[k] = im[k]!;
    }
    return;
  }
  for (let k = 0; k < bins; k++) {
    const j = (n - k) & (n - 1);
    const zr = re[k]!;
    const zi = im[k]!;
    const cr = re[j]!;
    const ci = im[j]!;
    aRe[k] = 0.5 * (zr + cr);
    aIm[k] = 0.5 * (zi - ci);
    bRe[k] = 0.5 * (zi + ci);
    bIm[k] = -0.5 * (zr - cr);
  }
}

/**
 * The inverse of splitPair after rotating both spectra by theta: W = A' + i·B' over all n bins,
 * with the upper half from conjugate symmetry. DC and Nyquist bins are left unrotated, as they
 * must stay real.
 */
function joinPair(re: Float64Array, im: Float64Array, n: number, theta: Float64Array, aRe: Float64Array, aIm: Float64Array, bRe: Float64Array | null, bIm: Float64Array | null): void {
  const half = n / 2;
  re[0] = aRe[0]! - (bIm ? bIm[0]! : 0);
  im[0] = aIm[0]! + (bRe ? bRe[0]! : 0);
  re[half] = aRe[half]! - (bIm ? bIm[half]! : 0);
  im[half] = aIm[half]! + (bRe ? bRe[half]! : 0);
  let lastTheta = Number.NaN;
  let c = 1;
  let s = 0;
  for (let k = 1; k < half; k++) {
    const t = theta[k]!;
    // Regions share one rotation: one cos/sin per region, not per bin.
    if (t !== lastTheta) {
      c = Math.cos(t);
      s = Math.sin(t);
      lastTheta = t;
    }
    const ar = aRe[k]! * c - aIm[k]! * s;
    const ai = aRe[k]! * s + aIm[k]! * c;
    let br = 0;
    let bi = 0;
    if (bRe && bIm) {
      br = bRe[k]! * c - bIm[k]! * s;
      bi = bRe[k]! * s + bIm[k]! * c;
    }
    re[k] = ar - bi;
    im[k] = ai + br;
    re[n - k] = ar + bi;
    im[n - k] = br - ai;
  }
}

function addFrame(out: Float32Array, start: number, window: Float64Array, frame: Float64Array, scale: number): void {
  const n = frame.length;
  const from = Math.max(0, -start);
  const to = Math.min(n, out.length - start);
  for (let i = from; i < to; i++) out[start + i]! += frame[i]! * window[i]! * scale;
}
