/**
 * The built-in voice's phoneme table: each ARPAbet phoneme as a source-filter spectrum, turned into
 * ln-magnitude mel envelopes that the acoustic graph looks up per frame.
 *
 * Vowel formants F1–F3 are the adult female averages of Hillenbrand, Getty, Clark & Wheeler (1995),
 * "Acoustic characteristics of American English vowels", JASA 97(5), Table V. That table has no F4
 * and no bandwidths: F4 is a typical female value (4300 Hz), F5/F6 are the fifth and sixth
 * resonances of a uniform 15 cm tube (odd multiples of c/4L ≈ 583 Hz), and bandwidths are round
 * typical values, a little wide for a smooth sung tone.
 *
 * Voiced spectra follow Fant's source-filter model (Fant 1960): a glottal source falling 12 dB per
 * octave above 150 Hz, lip radiation rising 6 dB per octave, and the vocal tract as a cascade
 * (product) of DC-normalised second-order resonators. A cascade rather than a sum, because it sets
 * the relative formant levels by itself (a sum of unit resonators makes F3 and F4 far too strong).
 * Consonants are the shapes phoneticians describe (Stevens 1998, "Acoustic Phonetics"): shaped noise
 * bands for fricatives, closure then burst for stops, a low murmur formant and an antiresonance for
 * nasals, reduced vowels for liquids and glides.
 */
import {
  binSpacingHz,
  MEL_BIN_HZ,
  MEL_FLOOR,
  MEL_PER_HARMONIC,
  NUM_MEL_BINS,
} from "./mel";

export type Formant = { f: number; bw: number };

export type Spectrum = {
  /** Resonances (and antiresonances) excited by the glottal source; absent when the vocal folds are still. */
  voice?: { formants: Formant[]; zeros?: Formant[]; db: number };
  /** Turbulence noise: flat between `lo` and `hi` with steep skirts, optionally shaped by resonances. */
  noise?: { lo: number; hi: number; formants?: Formant[]; db: number };
};

export type PhonemeKind =
  | "silence"
  | "breath"
  | "vowel"
  | "diphthong"
  | "fricative"
  | "stop"
  | "affricate"
  | "nasal"
  | "liquid"
  | "glide"
  | "aspirate";

export type PhonemeSpec = {
  kind: PhonemeKind;
  /** Whether the vocal folds vibrate (the vocoder re-derives this from the envelope; see VOICING in vocoder-graph.ts). */
  voiced: boolean;
  /** The spectrum the phoneme holds, or where a diphthong or glide starts. */
  start: Spectrum;
  /** Where a diphthong ends; formant frequencies move linearly from `start` to `end` over the phoneme. */
  end?: Spectrum;
  /** Stops and affricates: this spectrum (silence or a voice bar) until `until` (a fraction of the phoneme), then `start`. */
  closure?: { until: number; spectrum: Spectrum };
};

// Fifth and sixth resonances of a uniform 15 cm tract, shared by every voiced sound.
const F5: Formant = { f: 5250, bw: 400 };
const F6: Formant = { f: 6400, bw: 600 };
const BW = [90, 110, 170, 250] as const;
const F4_HZ = 4300;

/** F1–F3 from Hillenbrand et al. (1995), women, with the shared F4–F6 and bandwidths. */
function tract(f1: number, f2: number, f3: number, f4 = F4_HZ): Formant[] {
  return [
    { f: f1, bw: BW[0] },
    { f: f2, bw: BW[1] },
    { f: f3, bw: BW[2] },
    { f: f4, bw: BW[3] },
    F5,
    F6,
  ];
}

const vowel = (f1: number, f2: number, f3: number, db = 0): Spectrum => ({ voice: { formants: tract(f1, f2, f3), db } });

// Hillenbrand et al. (1995), Table V, adult women: F1, F2, F3 in Hz.
const H95 = {
  i: [437, 2761, 3372], // heed
  ɪ: [483, 2365, 3053], // hid
  e: [536, 2530, 3047], // hayed
  ɛ: [731, 2058, 2979], // head
  æ: [669, 2349, 2972], // had
  ɑ: [936, 1551, 2815], // hod
  ɔ: [781, 1136, 2824], // hawed
  o: [555, 1035, 2828], // hoed
  ʊ: [519, 1225, 2827], // hood
  u: [459, 1105, 2735], // who'd
  ʌ: [753, 1426, 2933], // hud
  ɝ: [523, 1588, 1929], // heard
} as const satisfies Record<string, readonly [number, number, number]>;

const v = (k: keyof typeof H95, db = 0): Spectrum => vowel(H95[k][0], H95[k][1], H95[k][2], db);

/** A weak low resonance: the "voice bar" of voiced closures and voiced fricatives. */
const VOICE_BAR: NonNullable<Spectrum["voice"]> = { formants: [{ f: 220, bw: 120 }, F5], db: -24 };
const SILENCE: Spectrum = {};

const fricative = (lo: number, hi: number, db: number, peak?: Formant, voiced = false): Spectrum => ({
  noise: { lo, hi, db, ...(peak ? { formants: [peak] } : {}) },
  ...(voiced ? { voice: VOICE_BAR } : {}),
});

// Fricative noise bands (Stevens 1998, ch. 8): s peaks near 6 kHz for a female talker, sh lower and
// wider, f and th weak and flat.
const S = (voiced = false) => fricative(3800, 11000, voiced ? -27 : -21, { f: 6200, bw: 3000 }, voiced);
const SH = (voiced = false) => fricative(2300, 7000, voiced ? -25 : -17, { f: 3200, bw: 2000 }, voiced);
const F = (voiced = false) => fricative(1200, 12000, voiced ? -43 : -40, undefined, voiced);

// Stop bursts: labial diffuse-falling, alveolar high, velar compact mid (Stevens 1998, ch. 7).
const stop = (burst: Spectrum, voiced: boolean): PhonemeSpec => ({
  kind: "stop",
  voiced,
  start: voiced ? { ...burst, voice: VOICE_BAR } : burst,
  closure: { until: 0.6, spectrum: voiced ? { voice: VOICE_BAR } : SILENCE },
});
const P_BURST = (db: number): Spectrum => fricative(800, 3500, db);
const T_BURST = (db: number): Spectrum => fricative(3000, 10000, db, { f: 5000, bw: 3000 });
const K_BURST = (db: number): Spectrum => fricative(1300, 4000, db, { f: 2300, bw: 1000 });

const nasal = (f2: number, f3: number, zero: number): PhonemeSpec => ({
  kind: "nasal",
  voiced: true,
  // The nasal murmur: a strong low resonance near 250 Hz, damped upper formants, and the side
  // branch's antiresonance (Fujimura 1962).
  start: {
    voice: {
      formants: [{ f: 260, bw: 70 }, { f: f2, bw: 250 }, { f: f3, bw: 300 }, { f: F4_HZ, bw: 350 }, F5, F6],
      zeros: [{ f: zero, bw: 150 }],
      db: -1,
    },
  },
});

const liquid = (kind: "liquid" | "glide", f1: number, f2: number, f3: number, db: number): PhonemeSpec => ({
  kind,
  voiced: true,
  start: vowel(f1, f2, f3, db),
});

const mono = (s: Spectrum): PhonemeSpec => ({ kind: "vowel", voiced: true, start: s });
const diph = (a: Spectrum, b: Spectrum): PhonemeSpec => ({ kind: "diphthong", voiced: true, start: a, end: b });

/** The phoneme table, keyed by lower-case ARPAbet (plus SP and AP, as DiffSinger writes them). */
export const PHONEMES = {
  SP: { kind: "silence", voiced: false, start: SILENCE },
  // Breath: weak broadband noise, a little darker than a fricative.
  AP: { kind: "breath", voiced: false, start: { noise: { lo: 900, hi: 9000, db: -33, formants: [{ f: 1800, bw: 2500 }] } } },

  aa: mono(v("ɑ")),
  ae: mono(v("æ")),
  ah: mono(v("ʌ")),
  ao: mono(v("ɔ")),
  eh: mono(v("ɛ")),
  er: mono(v("ɝ")),
  ih: mono(v("ɪ")),
  iy: mono(v("i")),
  uh: mono(v("ʊ")),
  uw: mono(v("u")),
  // Diphthongs as start and end targets taken from the monophthongs above.
  aw: diph(v("ɑ"), v("ʊ")),
  ay: diph(v("ɑ"), v("ɪ")),
  ey: diph(v("e"), v("i")),
  ow: diph(v("o"), v("ʊ")),
  oy: diph(v("ɔ"), v("ɪ")),

  b: stop(P_BURST(-30), true),
  d: stop(T_BURST(-28), true),
  g: stop(K_BURST(-27), true),
  p: stop(P_BURST(-25), false),
  t: stop(T_BURST(-22), false),
  k: stop(K_BURST(-21), false),

  ch: { kind: "affricate", voiced: false, start: SH(), closure: { until: 0.35, spectrum: SILENCE } },
  jh: { kind: "affricate", voiced: true, start: SH(true), closure: { until: 0.35, spectrum: { voice: VOICE_BAR } } },

  f: { kind: "fricative", voiced: false, start: F() },
  th: { kind: "fricative", voiced: false, start: F() },
  s: { kind: "fricative", voiced: false, start: S() },
  sh: { kind: "fricative", voiced: false, start: SH() },
  v: { kind: "fricative", voiced: true, start: F(true) },
  dh: { kind: "fricative", voiced: true, start: F(true) },
  z: { kind: "fricative", voiced: true, start: S(true) },
  zh: { kind: "fricative", voiced: true, start: SH(true) },
  // h is a voiceless vowel: aspiration noise through a neutral tract, with little energy below F1.
  hh: {
    kind: "aspirate",
    voiced: false,
    start: { noise: { lo: 1000, hi: 9000, db: -24, formants: [{ f: 1500, bw: 400 }, { f: 2900, bw: 500 }, { f: F4_HZ, bw: 600 }] } },
  },

  m: nasal(1200, 2300, 900),
  n: nasal(1600, 2600, 1900),
  ng: nasal(2000, 2800, 3300),

  l: liquid("liquid", 380, 1150, 2900, -3),
  r: liquid("liquid", 450, 1250, 1800, -3), // r's low F3 is what makes it an r
  w: liquid("glide", 340, 760, 2600, -4), // like uw, more extreme
  y: liquid("glide", 320, 2750, 3450, -4), // like iy, more extreme
} as const satisfies Record<string, PhonemeSpec>;

export type DefaultPhoneme = keyof typeof PHONEMES;

/**
 * The default voice's inventory in `phonemes.txt` order: line i is token id i, SP first, so id 0
 * (padding) is silence. Every other phoneme's id is its index in PHONEME_ORDER plus one.
 */
export const PHONEME_ORDER: readonly DefaultPhoneme[] = (Object.keys(PHONEMES) as DefaultPhoneme[]).filter((p) => p !== "SP");
export const DEFAULT_PHONEMES: readonly DefaultPhoneme[] = ["SP", ...PHONEME_ORDER];

export function phonemeId(phoneme: string): number {
  const id = DEFAULT_PHONEMES.indexOf(phoneme as DefaultPhoneme);
  if (id < 0) throw new Error(`the default voice has no phoneme "${phoneme}"`);
  return id;
}

/** Envelopes sampled along each phoneme: diphthong glides and closure-then-burst need more than one. */
export const ENVELOPE_STEPS = 8;

/**
 * The harmonic amplitude (linear, full scale = 1) of a 0 dB voiced spectrum's source before the
 * tract: chosen so a sung /aa/ at 220 Hz peaks near -12 dBFS after the vocoder.
 */
export const VOICE_GAIN = 0.0188;
/** A noise spectrum's `db` is its peak mel value relative to this one (mel 1, ln-mel 0). */
export const NOISE_REF = 1;

// Second-order resonator with unity gain at DC (the analog form of Klatt's 1980 digital resonator): |H(f)| = F² / |F² − f² + j·f·B|.
function resonance(f: number, { f: fc, bw }: Formant): number {
  const re = fc * fc - f * f;
  return (fc * fc) / Math.sqrt(re * re + f * bw * f * bw);
}

/** Glottal source (−12 dB/oct above 150 Hz) times lip radiation (+6 dB/oct), normalised to 1 at 150 Hz. */
function sourceTilt(f: number): number {
  const x = f / 150;
  return (2 * x) / (1 + x * x);
}

/** Fourth-order skirts: a band edge steep enough that a fricative leaves the low band nearly empty. */
function bandShape(f: number, lo: number, hi: number): number {
  return 1 / Math.sqrt((1 + (lo / f) ** 8) * (1 + (f / hi) ** 8));
}

type Noise = NonNullable<Spectrum["noise"]>;

function noiseShape(noise: Noise, f: number): number {
  let shape = bandShape(f, noise.lo, noise.hi);
  for (const formant of noise.formants ?? []) shape *= resonance(f, formant);
  return shape;
}

// A noise spectrum's `db` sets its peak, so each shape is normalised by its maximum over the mel range.
const peaks = new WeakMap<Noise, number>();
function noisePeak(noise: Noise): number {
  let peak = peaks.get(noise);
  if (peak === undefined) {
    peak = 0;
    for (const f of MEL_BIN_HZ) peak = Math.max(peak, noiseShape(noise, f));
    peaks.set(noise, peak);
  }
  return peak;
}

/**
 * The linear mel envelope of a spectrum at frequency `f`, on DiffSinger's magnitude-mel scale, as
 * its voiced and noise parts. The voice part is the mel value its harmonics would give
 * (MEL_PER_HARMONIC · A / bin spacing; the acoustic graph adds the pitch correction for bins wider
 * than f0, which applies to harmonics only).
 */
export function spectrumParts(s: Spectrum, f: number): { voice: number; noise: number } {
  let voice = 0;
  if (s.voice) {
    let a = VOICE_GAIN * 10 ** (s.voice.db / 20) * sourceTilt(f);
    for (const formant of s.voice.formants) a *= resonance(f, formant);
    for (const zero of s.voice.zeros ?? []) a /= resonance(f, zero);
    voice = (MEL_PER_HARMONIC * a) / binSpacingHz(f);
  }
  const noise = s.noise ? NOISE_REF * 10 ** (s.noise.db / 20) * (noiseShape(s.noise, f) / noisePeak(s.noise)) : 0;
  return { voice, noise };
}

export function spectrumAt(s: Spectrum, f: number): number {
  const { voice, noise } = spectrumParts(s, f);
  return voice + noise;
}

function lerp(a: number, b: number, w: number): number {
  return a + (b - a) * w;
}

function lerpFormants(a: Formant[], b: Formant[], w: number): Formant[] {
  return a.map((fa, i) => {
    const fb = b[i] ?? fa;
    return { f: lerp(fa.f, fb.f, w), bw: lerp(fa.bw, fb.bw, w) };
  });
}

/** The spectrum a phoneme has at `pos` (0 = its start, 1 = its end). */
export function spectrumAtPosition(spec: PhonemeSpec, pos: number): Spectrum {
  if (spec.closure && pos < spec.closure.until) return spec.closure.spectrum;
  const { start, end } = spec;
  if (!end?.voice || !start.voice) return start;
  return {
    voice: {
      formants: lerpFormants(start.voice.formants, end.voice.formants, pos),
      db: lerp(start.voice.db, end.voice.db, pos),
    },
  };
}

/** ln-magnitude mel envelope of a spectrum over the 128 mel bins, floored like DiffSinger (ln 1e-5). */
export function lnMelEnvelope(s: Spectrum): Float32Array {
  const out = new Float32Array(NUM_MEL_BINS);
  for (let j = 0; j < NUM_MEL_BINS; j++) out[j] = Math.log(Math.max(MEL_FLOOR, spectrumAt(s, MEL_BIN_HZ[j] as number)));
  return out;
}

/** Floor of the separate voice and noise tables: far enough below MEL_FLOOR that their sum still clamps to it. */
export const PART_FLOOR = 1e-7;

/**
 * The tables the acoustic graph gathers from, ln of the voice and noise parts separately:
 * [phoneme id · ENVELOPE_STEPS + step, bin], ids in DEFAULT_PHONEMES order, step k sampled at
 * position (k + 0.5) / ENVELOPE_STEPS of the phoneme.
 */
export function envelopeTables(inventory: readonly DefaultPhoneme[] = DEFAULT_PHONEMES): { voice: Float32Array; noise: Float32Array } {
  const size = inventory.length * ENVELOPE_STEPS * NUM_MEL_BINS;
  const voice = new Float32Array(size);
  const noise = new Float32Array(size);
  inventory.forEach((p, id) => {
    for (let k = 0; k < ENVELOPE_STEPS; k++) {
      const spectrum = spectrumAtPosition(PHONEMES[p], (k + 0.5) / ENVELOPE_STEPS);
      const row = (id * ENVELOPE_STEPS + k) * NUM_MEL_BINS;
      for (let j = 0; j < NUM_MEL_BINS; j++) {
        const parts = spectrumParts(spectrum, MEL_BIN_HZ[j] as number);
        voice[row + j] = Math.log(Math.max(PART_FLOOR, parts.voice));
        noise[row + j] = Math.log(Math.max(PART_FLOOR, parts.noise));
      }
    }
  });
  return { voice, noise };
}

/** F1..F4 (Hz) of the voiced spectrum a phoneme holds (or starts a glide from), for tests and tools. */
export function formantTargets(p: DefaultPhoneme): number[] {
  const voice = (PHONEMES[p] as PhonemeSpec).start.voice;
  if (!voice) throw new Error(`${p} has no voiced spectrum`);
  return voice.formants.slice(0, 4).map((f) => f.f);
}
