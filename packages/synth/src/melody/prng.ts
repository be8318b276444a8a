/**
 * mulberry32 by Tommy Ettinger (public domain): a 32-bit-state PRNG. Tiny, fast and well mixed
 * enough for musical choices; the same seed gives the same sequence on every platform.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Folds any finite number (fractions and negatives too) into a 32-bit seed, so 1 and 1.5 differ. */
export function seedFromNumber(seed: number): number {
  if (Number.isInteger(seed) && Math.abs(seed) <= 0xffffffff) return seed >>> 0;
  // Hash the float's bytes (FNV-1a, 32-bit) rather than truncating it.
  const bytes = new Uint8Array(new Float64Array([seed]).buffer);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
