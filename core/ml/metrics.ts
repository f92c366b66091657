/**
 * Honest offline evaluation for recommenders (see docs/decisions.md, "Training: implicit ALS"):
 * per-user hold-out splits, and Recall@k / NDCG@k over a FULL ranking of every item the user
 * did not interact with in training (no sampled negatives: Krichene and Rendle, KDD 2020),
 * with a popularity baseline to print beside any model.
 */
import { fromCsr, type InteractionMatrix } from "./interactions";
import { scoreAll } from "./linalg";
import { Rng } from "./random";

export type HoldOut = {
  /** Training matrix: everything but the held-out entries. */
  train: InteractionMatrix;
  /** Held-out positive items of user u: testItems[testPtr[u], testPtr[u+1]), ascending. */
  testPtr: Int32Array;
  testItems: Int32Array;
};

export type SplitOptions =
  | { mode: "fraction"; fraction: number; seed: number; minTrain?: number }
  | { mode: "last"; n: number; minTrain?: number };

/**
 * Holds out part of each user's POSITIVE entries (r > 0): a seeded random fraction
 * (round(fraction * positives)) or the n most recent (needs timestamps). Negatives always stay
 * in training (they are not "relevant" items to find). A user keeps at least `minTrain`
 * (default 1) positives in training, so users with a single positive have no test items.
 * The split is over distinct (user, item) pairs, so a repeated event never sits on both sides.
 */
export function splitPerUser(m: InteractionMatrix, options: SplitOptions): HoldOut {
  const minTrain = options.minTrain ?? 1;
  if (options.mode === "fraction" && !(options.fraction >= 0 && options.fraction < 1))
    throw new RangeError("fraction must be in [0, 1)");
  if (options.mode === "last" && !m.userTimes) throw new RangeError("a last-n split needs timestamps");
  const rng = options.mode === "fraction" ? new Rng(options.seed) : undefined;
  const held = new Uint8Array(m.nnz);
  const testPtr = new Int32Array(m.nUsers + 1);
  const pos: number[] = [];
  for (let u = 0; u < m.nUsers; u++) {
    pos.length = 0;
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) if (m.userValues[e]! > 0) pos.push(e);
    const wanted = options.mode === "fraction" ? Math.round(options.fraction * pos.length) : options.n;
    const take = Math.max(0, Math.min(wanted, pos.length - minTrain));
    if (take > 0 && rng) {
      // Partial Fisher-Yates: the first `take` slots become a uniform random subset.
      for (let q = 0; q < take; q++) {
        const j = q + rng.int(pos.length - q);
        const t = pos[q]!;
        pos[q] = pos[j]!;
        pos[j] = t;
      }
    } else if (take > 0) {
      const times = m.userTimes!;
      pos.sort((a, b) => times[b]! - times[a]! || b - a); // newest first
    }
    for (let q = 0; q < take; q++) held[pos[q]!] = 1;
    testPtr[u + 1] = testPtr[u]! + take;
  }
  const testItems = new Int32Array(testPtr[m.nUsers]!);
  const trainPtr = new Int32Array(m.nUsers + 1);
  const nTrain = m.nnz - testItems.length;
  const trainItems = new Int32Array(nTrain);
  const trainValues = new Float32Array(nTrain);
  const trainTimes = m.userTimes ? new Float64Array(nTrain) : undefined;
  let t = 0;
  let h = 0;
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      if (held[e]) {
        testItems[h++] = m.userItems[e]!; // CSR is item-ascending, so test lists are too
      } else {
        trainItems[t] = m.userItems[e]!;
        trainValues[t] = m.userValues[e]!;
        if (trainTimes) trainTimes[t] = m.userTimes![e]!;
        t++;
      }
    }
    trainPtr[u + 1] = t;
  }
  return { train: fromCsr(m.nUsers, m.nItems, trainPtr, trainItems, trainValues, trainTimes), testPtr, testItems };
}

/** Keeps at most `max` (seeded sample) of the split's test users; the others' test lists are emptied. */
export function sampleTestUsers(split: HoldOut, max: number, seed: number): HoldOut {
  const users: number[] = [];
  for (let u = 0; u < split.train.nUsers; u++) if (split.testPtr[u + 1]! > split.testPtr[u]!) users.push(u);
  if (users.length <= max) return split;
  const rng = new Rng(seed);
  for (let q = 0; q < max; q++) {
    const j = q + rng.int(users.length - q);
    [users[q], users[j]] = [users[j]!, users[q]!];
  }
  const keep = new Uint8Array(split.train.nUsers);
  for (let q = 0; q < max; q++) keep[users[q]!] = 1;
  const testPtr = new Int32Array(split.train.nUsers + 1);
  const items: number[] = [];
  for (let u = 0; u < split.train.nUsers; u++) {
    if (keep[u]) for (let e = split.testPtr[u]!; e < split.testPtr[u + 1]!; e++) items.push(split.testItems[e]!);
    testPtr[u + 1] = items.length;
  }
  return { train: split.train, testPtr, testItems: Int32Array.from(items) };
}

export function usersWithTestItems(split: HoldOut): number {
  let n = 0;
  for (let u = 0; u < split.train.nUsers; u++) if (split.testPtr[u + 1]! > split.testPtr[u]!) n++;
  return n;
}

/**
 * The k best items by score, best first, skipping `exclude` (ascending item indices).
 * Ties go to the lower item index, so rankings are deterministic. O(nItems k) worst case,
 * near O(nItems) in practice (most items fail the threshold test).
 */
export function topK(
  scores: Float32Array,
  k: number,
  exclude: ArrayLike<number> = [],
  out = new Int32Array(k),
): Int32Array {
  const best = new Float64Array(k);
  let count = 0;
  let x = 0;
  for (let i = 0; i < scores.length; i++) {
    while (x < exclude.length && exclude[x]! < i) x++;
    if (x < exclude.length && exclude[x] === i) continue;
    const s = scores[i]!;
    if (!(s === s)) continue; // NaN
    if (count === k && !(s > best[k - 1]!)) continue;
    let p = count < k ? count++ : k - 1;
    while (p > 0 && s > best[p - 1]!) {
      best[p] = best[p - 1]!;
      out[p] = out[p - 1]!;
      p--;
    }
    best[p] = s;
    out[p] = i;
  }
  return count === k ? out : out.slice(0, count);
}

/** Recall@k = hits in the top k / min(k, |relevant|): 1 is reachable even with many relevant items. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r]!)) hits++;
  return hits / Math.min(k, relevant.size);
}

/** NDCG@k, binary relevance: sum over hits at 0-based rank r of 1/log2(r+2), over the ideal DCG. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Fills out[i] with user u's score for every item i. */
export type Scorer = (user: number, out: Float32Array) => void;

/** Scores of a factor model: x_u . y_i for all items. */
export function factorScorer(userFactors: Float32Array, itemFactors: Float32Array, k: number): Scorer {
  const nItems = itemFactors.length / k;
  return (u, out) => scoreAll(itemFactors, nItems, k, userFactors.subarray(u * k, u * k + k), out);
}

/** The popularity baseline: each item's number of users with a positive training entry, same for everyone. */
export function popularityScorer(train: InteractionMatrix): Scorer {
  const pop = new Float32Array(train.nItems);
  for (let e = 0; e < train.nnz; e++) if (train.userValues[e]! > 0) pop[train.userItems[e]!]!++;
  return (_u, out) => out.set(pop);
}

export type Evaluation = { recall: number; ndcg: number; users: number; k: number };

/**
 * Mean Recall@k and NDCG@k over users with held-out items; each user's ranking covers every
 * item except that user's training entries (positives and dislikes alike).
 */
export function evaluate(scorer: Scorer, split: HoldOut, k: number): Evaluation {
  const { train, testPtr, testItems } = split;
  const scores = new Float32Array(train.nItems);
  const ranked = new Int32Array(k);
  const relevant = new Set<number>();
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  for (let u = 0; u < train.nUsers; u++) {
    if (testPtr[u + 1] === testPtr[u]) continue;
    relevant.clear();
    for (let e = testPtr[u]!; e < testPtr[u + 1]!; e++) relevant.add(testItems[e]!);
    scorer(u, scores);
    const top = topK(scores, k, train.userItems.subarray(train.userPtr[u]!, train.userPtr[u + 1]!), ranked);
    recall += recallAtK(top, relevant, k);
    ndcg += ndcgAtK(top, relevant, k);
    users++;
  }
  return { recall: users ? recall / users : 0, ndcg: users ? ndcg / users : 0, users, k };
}
