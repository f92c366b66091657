import { bucketOf, namespacePosition } from "./hash";

/** A half-open interval [start, end) of [0, 1). */
export type Range = readonly [number, number];

/**
 * The variants' ranges, laid out in a fixed order (the experiment's variant order): each
 * variant's range starts where the previous one ended. When a split changes, only the
 * users between an old and a new boundary change variant: with 50/50 -> 30/70, the users
 * in [0.3, 0.5) move from the first variant to the second and nobody else moves.
 */
export function bucketRanges(weights: readonly number[]): Range[] {
  let cumulative = 0;
  return weights.map((w, i) => {
    const start = cumulative;
    cumulative += w;
    // The last range closes at 1 exactly, so rounding in the sum never drops a bucket.
    return [start, i === weights.length - 1 ? 1 : cumulative] as const;
  });
}

/** The index of the range holding `n`, or -1. */
export function chooseVariant(n: number, ranges: readonly Range[]): number {
  for (let i = 0; i < ranges.length; i++) if (n >= ranges[i]![0] && n < ranges[i]![1]) return i;
  return -1;
}

/** What assignment needs of an experiment. */
export type Assignable = {
  seed: string;
  variants: readonly string[];
  weights: readonly number[];
  namespace: string;
  range: Range;
};

/** Whether the user falls in the experiment's share of its namespace. */
export function inNamespace(exp: Pick<Assignable, "namespace" | "range">, userId: string): boolean {
  const n = namespacePosition(exp.namespace, userId);
  return n >= exp.range[0] && n < exp.range[1];
}

/** The user's variant by hash under the given weights, or undefined outside the experiment's range. */
export function hashedVariant(exp: Assignable, userId: string, weights = exp.weights): string | undefined {
  if (!inNamespace(exp, userId)) return undefined;
  const i = chooseVariant(bucketOf(exp.seed, userId), bucketRanges(weights));
  return i < 0 ? undefined : exp.variants[i];
}

/**
 * Whether a user's hashed variant differs between any two of the splits an experiment has
 * had: only such users can hold a sticky assignment that the current hash does not give,
 * so only they need the experiment's object to answer (everyone else is assigned locally).
 */
export function movedBySplitChange(exp: Assignable, userId: string, history: readonly (readonly number[])[]): boolean {
  if (history.length === 0) return false;
  const bucket = bucketOf(exp.seed, userId);
  const now = chooseVariant(bucket, bucketRanges(exp.weights));
  return history.some((w) => chooseVariant(bucket, bucketRanges(w)) !== now);
}

/**
 * The first free range of `width` in a namespace whose taken ranges are given, or undefined:
 * experiments of one namespace get disjoint ranges, so they never share a user.
 */
export function allocateRange(taken: readonly Range[], width: number): Range | undefined {
  const sorted = [...taken].sort((a, b) => a[0] - b[0]);
  let start = 0;
  for (const [s, e] of sorted) {
    if (s - start >= width - 1e-12) break;
    start = Math.max(start, e);
  }
  const end = start + width;
  return end <= 1 + 1e-12 ? [start, Math.min(1, end)] : undefined;
}
