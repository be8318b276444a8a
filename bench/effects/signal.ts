import { mulberry32, type AudioBuffer } from "@mini-studio/audio";

/**
 * A deterministic stand-in for a mix: chords of harmonic notes with attack/decay/release
 * envelopes, a plucked bass, kick, snare and hi-hats (transients), and a bed of low-passed noise,
 * panned across the stereo field, at 120 bpm, peak-normalized to -1 dBFS. The same seed gives
 * the same samples, so runs and machines compare.
 */
export function musicLikeSignal(opts: { seconds: number; sampleRate?: number; seed?: number }): AudioBuffer {
  const { seconds, sampleRate = 44_100, seed = 1 } = opts;
  const frames = Math.round(seconds * sampleRate);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const rand = mulberry32(seed);
  const synth = new Synth(sampleRate, left, right, rand);

  const beat = 0.5; // 120 bpm
  const bar = 4 * beat;
  // I–V–vi–IV in C, as MIDI notes; each bar picks an inversion and a voicing at random.
  const progression = [
    [60, 64, 67],
    [55, 59, 62],
    [57, 60, 64],
    [53, 57, 60],
  ];
  // Sections of 8 bars, so the level moves like a song's (loudness range, compressor at work).
  const sections = ["intro", "verse", "verse", "chorus", "chorus", "break"] as const;
  for (let b = 0; b * bar < seconds; b++) {
    const t0 = b * bar;
    const section = sections[Math.floor(b / 8) % sections.length]!;
    const drums = section === "verse" || section === "chorus";
    const loud = section === "chorus" ? 1 : 0.6;
    const chord = progression[b % progression.length]!;
    const inversion = Math.floor(rand() * 3);
    chord.forEach((note, k) => {
      const midi = note + (k < inversion ? 12 : 0);
      synth.note(t0, bar * 0.95, midiHz(midi), 0.09 * loud, -0.6 + 0.6 * k + 0.2 * (rand() - 0.5), 0.02, 0.6);
    });
    if (section === "chorus" || rand() < 0.3) synth.note(t0 + 2 * beat, beat * 2, midiHz(chord[2]! + 12), 0.06, 0.4, 0.005, 0.25); // melody
    for (let i = 0; i < 4; i++) {
      const t = t0 + i * beat;
      if (section !== "intro") synth.note(t, beat * 0.9, midiHz(chord[0]! - 24), 0.22 * loud, 0, 0.003, 0.18); // bass
      if (!drums) continue;
      if (i % 2 === 0) synth.kick(t, 0.7 * loud);
      else synth.snare(t, 0.35 * loud);
      synth.hat(t, 0.12 + 0.05 * rand());
      synth.hat(t + beat / 2, 0.06 + 0.05 * rand());
    }
  }
  synth.noiseBed(0.02);

  let peak = 0;
  for (const x of [left, right]) for (let i = 0; i < frames; i++) peak = Math.max(peak, Math.abs(x[i]!));
  const gain = peak > 0 ? 10 ** (-1 / 20) / peak : 1;
  for (const x of [left, right]) for (let i = 0; i < frames; i++) x[i]! *= gain;
  return { sampleRate, channels: [left, right] };
}

const TABLE_SIZE = 4096;
const SINE = Float32Array.from({ length: TABLE_SIZE + 1 }, (_, i) => Math.sin((2 * Math.PI * i) / TABLE_SIZE));
const HARMONICS = 6;
const WEIGHTS = Float64Array.from({ length: HARMONICS }, (_, k) => 1 / (k + 1) ** 1.3);

class Synth {
  private readonly phases = new Float64Array(HARMONICS);

  constructor(
    private readonly rate: number,
    private readonly left: Float32Array,
    private readonly right: Float32Array,
    private readonly rand: () => number,
  ) {}

  /** Harmonics 1..6 at 1/k^1.3 from a sine table; linear attack, exponential decay, short release. */
  note(startSec: number, durSec: number, hz: number, amp: number, pan: number, attackSec: number, decaySec: number): void {
    const start = Math.round(startSec * this.rate);
    const end = Math.min(this.left.length, start + Math.round((durSec + 0.08) * this.rate));
    const attack = Math.max(1, Math.round(attackSec * this.rate));
    const hold = start + Math.round(durSec * this.rate);
    const decay = Math.exp(-1 / (decaySec * this.rate));
    const release = Math.exp(-1 / (0.02 * this.rate));
    const [gl, gr] = panGains(pan);
    const step = (hz * TABLE_SIZE) / this.rate;
    const phases = this.phases;
    phases.fill(0);
    let env = 0;
    for (let i = start; i < end; i++) {
      const n = i - start;
      if (n < attack) env = n / attack;
      else if (i < hold) env = 0.35 + (env - 0.35) * decay; // decays toward a sustain level
      else env *= release;
      const level = env * amp;
      let s = 0;
      for (let k = 0; k < HARMONICS; k++) {
        const inc = step * (k + 1);
        if (inc >= TABLE_SIZE / 2) break; // above Nyquist
        let p = phases[k]! + inc;
        if (p >= TABLE_SIZE) p -= TABLE_SIZE;
        phases[k] = p;
        s += SINE[p | 0]! * WEIGHTS[k]!;
      }
      this.left[i]! += s * level * gl;
      this.right[i]! += s * level * gr;
    }
  }

  /** A sine sweeping from 150 to 45 Hz with a 0.25 s decay. */
  kick(startSec: number, amp: number): void {
    const start = Math.round(startSec * this.rate);
    const end = Math.min(this.left.length, start + Math.round(0.4 * this.rate));
    const decay = Math.exp(-1 / (0.25 * this.rate));
    const sweep = Math.exp(-1 / (0.04 * this.rate));
    let env = amp;
    let hz = 105;
    let phase = 0;
    for (let i = start; i < end; i++) {
      phase += ((45 + hz) * TABLE_SIZE) / this.rate;
      if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
      const s = SINE[phase | 0]! * env;
      this.left[i]! += s;
      this.right[i]! += s;
      env *= decay;
      hz *= sweep;
    }
  }

  /** Band-limited noise and a 190 Hz body, 0.12 s decay. */
  snare(startSec: number, amp: number): void {
    this.burst(startSec, 0.25, 0.12, amp, 0.35, 190);
  }

  /** High-passed noise, 30 ms decay, a little right of centre. */
  hat(startSec: number, amp: number): void {
    this.burst(startSec, 0.08, 0.03, amp, 0.97, 0, 0.3);
  }

  private burst(startSec: number, lenSec: number, decaySec: number, amp: number, highpass: number, toneHz: number, pan = 0): void {
    const start = Math.round(startSec * this.rate);
    const end = Math.min(this.left.length, start + Math.round(lenSec * this.rate));
    const decay = Math.exp(-1 / (decaySec * this.rate));
    const [gl, gr] = panGains(pan);
    const step = (toneHz * TABLE_SIZE) / this.rate;
    let env = amp;
    let low = 0;
    let phase = 0;
    for (let i = start; i < end; i++) {
      const white = this.rand() * 2 - 1;
      low += (1 - highpass) * (white - low); // one-pole low-pass; white minus it is the high band
      phase += step;
      if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
      const s = ((white - low) * 0.8 + SINE[phase | 0]! * 0.5) * env;
      this.left[i]! += s * gl;
      this.right[i]! += s * gr;
      env *= decay;
    }
  }

  /** Two independent low-passed noises, one per channel, under everything. */
  noiseBed(amp: number): void {
    for (const x of [this.left, this.right]) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < x.length; i++) {
        a += 0.05 * (this.rand() * 2 - 1 - a);
        b += 0.05 * (a - b);
        x[i]! += b * amp * 8;
      }
    }
  }
}

/** Constant-power pan, -1 (left) .. 1 (right). */
function panGains(pan: number): [number, number] {
  const angle = ((pan + 1) * Math.PI) / 4;
  return [Math.cos(angle), Math.sin(angle)];
}

function midiHz(note: number): number {
  return 440 * 2 ** ((note - 69) / 12);
}

