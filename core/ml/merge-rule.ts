/**
 * The rule that merges the events of one (user, item) pair into the value r of its matrix
 * entry (interactions.ts), shared by the trainer building the matrix, fold-in at request time
 * (mergeUserEvents) and the serving side. The rule is commutative, so the serving side
 * can keep a pair's value incrementally as events arrive in any order, replays included
 * (D1 table user_items, workers/ingest/src/apply-interactions.ts), and still agree with the
 * trainer reading the Parquet data:
 *   - the pair is an observed negative, r = -dislikeWeight, when its latest event is a dislike
 *     (label <= 0; LABELS.dislike is 0.0); a dislike and a positive at the same timestamp count
 *     as "latest is a dislike". "Clicked, then disliked" is a negative;
 *   - otherwise r is the sum of all its positive labels ("sum", default: repeated engagement is
 *     more confidence, like Hu et al.'s watch counts) or their largest ("max"), positives before
 *     an earlier dislike included: "disliked, then bought" is a positive.
 * Without timestamps, input order is time order (the last event is the latest).
 */

export type MergeRule = "sum" | "max";

/** How a pair's events merge: the options of buildInteractions that are not about time. */
export type MergeOptions = {
  /** How positive labels of one pair combine (default "sum"). */
  merge?: MergeRule;
  /** Confidence strength of a dislike, |r| of the negative entry (default 1, a purchase's). */
  dislikeWeight?: number;
};

/**
 * The value of one pair from its events' labels (see the module comment). `latestIsDislike`
 * is whether the pair's latest event (by time; ties to the dislike) is a dislike.
 */
export function pairValue(positive: number, latestIsDislike: boolean, dislikeWeight: number): number {
  return latestIsDislike || !(positive > 0) ? -dislikeWeight : positive;
}

/** Folds a positive label into a pair's positive part. */
export function addPositive(acc: number, label: number, merge: MergeRule): number {
  return merge === "sum" ? acc + label : Math.max(acc, label);
}

/**
 * Merges one user's events (item indices and labels, oldest first) exactly as buildInteractions
 * does, for fold-in at request time: returns distinct items ascending and their values r.
 */
export function mergeUserEvents(
  items: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: MergeOptions = {},
): { items: Int32Array; values: Float32Array } {
  const merge = options.merge ?? "sum";
  const dislikeWeight = options.dislikeWeight ?? 1;
  const acc = new Map<number, { positive: number; dislike: boolean }>();
  for (let e = 0; e < items.length; e++) {
    const i = items[e]!;
    const label = labels[e]!;
    const pair = acc.get(i) ?? { positive: 0, dislike: false };
    if (label > 0) pair.positive = addPositive(pair.positive, label, merge);
    pair.dislike = !(label > 0);
    acc.set(i, pair);
  }
  const keys = [...acc.keys()].sort((a, b) => a - b);
  const values = new Float32Array(keys.length);
  keys.forEach((k, p) => {
    const pair = acc.get(k)!;
    values[p] = pairValue(pair.positive, pair.dislike, dislikeWeight);
  });
  return { items: Int32Array.from(keys), values };
}
