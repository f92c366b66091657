/**
 * Deterministic bucketing, after the scheme GrowthBook's SDKs use (read, not copied):
 * FNV-1a 32-bit over UTF-16 code units, hashed twice ("v2"), so any worker in any location
 * puts a user in the same bucket without a round trip. The double hash fixes the v1 scheme's
 * bias, where `fnv(id + seed) % 1000` correlated buckets across experiments whose seeds
 * share a suffix.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over the string's UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Resolution of a bucket: 1/10,000 of the traffic. */
export const BUCKETS = 10_000;

/** The user's bucket for `seed`, in [0, 1), in steps of 1/BUCKETS. */
export function bucketOf(seed: string, userId: string): number {
  return (fnv1a32(String(fnv1a32(seed + userId))) % BUCKETS) / BUCKETS;
}

/**
 * The user's position in a namespace, in [0, 1): an independent hash from the variant's
 * (another prefix), so a namespace range and a variant range never line up by construction.
 */
export function namespacePosition(namespace: string, userId: string): number {
  return bucketOf(`__${namespace}`, userId);
}
