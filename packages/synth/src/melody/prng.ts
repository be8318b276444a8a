import { mulberry32 } from "@mini-studio/audio";
export { mulberry32 };

/** Folds any finite number (fractions and negatives too) into a 32-bit seed, so 1 and 1.5 differ. */
export function seedFromNumber(seed: number): number {
  if (Number.isInteger(seed) && Math.abs(seed) <= 0xffffffff) return seed >>> 0;
  // Hash the float's bytes (FNV-1a, 32-bit) rather than truncating it.
  const bytes = new Uint8Array(new Float64Array([seed]).buffer);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
