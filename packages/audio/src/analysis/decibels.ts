/**
 * Level conversions. Silence is -Infinity in dB (never NaN): a level of 0 has no logarithm, and
 * -Infinity sorts and compares the way a musician expects ("quieter than anything").
 * JSON has no -Infinity, so results meant for the wire go through `toJsonSafe` (analyze.ts).
 */
export function linearToDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity;
}

export function dbToLinear(db: number): number {
  return 10 ** (db / 20);
}

/** Power (mean square) to dB: 10·log10. */
export function powerToDb(power: number): number {
  return power > 0 ? 10 * Math.log10(power) : -Infinity;
}
