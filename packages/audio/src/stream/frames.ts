/** codec-parser types its generators as bare iterators, so spread and for-of don't type-check. */
export function drain<T>(it: Iterator<T>): T[] {
  const out: T[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}
