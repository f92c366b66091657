/**
 * Hashing of text without building substrings: FNV-1a over UTF-16 code units, folded in one
 * unit at a time, then a murmur3 finaliser so that the low bits (the bucket) and the top bit
 * (the sign) are independent. Namespaces (word unigram, bigram, char n-gram of each length)
 * start from different offsets, so "ab" the word and "ab" the character bigram differ.
 */
export const FNV_OFFSET = 0x811c9dc5;

export const fnvStep = (h: number, unit: number) => Math.imul(h ^ unit, 0x01000193);

export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The start of a namespace's hashes. */
export const namespace = (tag: number) => mix(FNV_OFFSET ^ Math.imul(tag + 1, 0x9e3779b9));

/** FNV-1a of a whole string (keys of the stratified split). */
export function hashString(s: string, seed = 0): number {
  let h = FNV_OFFSET ^ seed;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return mix(h);
}
