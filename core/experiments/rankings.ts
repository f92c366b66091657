/**
 * Comparing two ranked lists of item ids (shadow mode). Kendall's tau is undefined on lists
 * that hold different items, so: overlap@k (the share of the top k both hold) and
 * rank-biased overlap (Webber, Moffat, Zobel, TOIS 2010), which weights agreement at depth d
 * by p^(d-1), so the top dominates (p = 0.9: the first 10 ranks carry ~86% of the weight).
 */

/** |top-k(a) ∩ top-k(b)| / k; 1 for two empty lists. */
export function overlapAtK(a: readonly string[], b: readonly string[], k: number): number {
  if (k <= 0) return 1;
  const top = new Set(a.slice(0, k));
  let shared = 0;
  for (const id of b.slice(0, k)) if (top.has(id)) shared++;
  const depth = Math.max(Math.min(a.length, k), Math.min(b.length, k));
  return depth === 0 ? 1 : shared / depth;
}

/**
 * Extrapolated RBO (RBO_ext, Webber et al. eq. 32) of two finite lists evaluated to the
 * depth of the longer one: (1-p) Σ_{d=1..k} p^(d-1) A_d + p^k A_k, where A_d is the
 * agreement (shared items / d) at depth d. Identical lists give 1, disjoint lists 0.
 */
export function rankBiasedOverlap(a: readonly string[], b: readonly string[], p = 0.9): number {
  const k = Math.max(a.length, b.length);
  if (k === 0) return 1;
  const seenA = new Set<string>();
  const seenB = new Set<string>();
  let shared = 0;
  let sum = 0;
  let weight = 1;
  let agreement = 0;
  for (let d = 1; d <= k; d++) {
    const x = a[d - 1];
    const y = b[d - 1];
    if (x !== undefined && y !== undefined && x === y) shared++;
    else {
      if (x !== undefined) {
        if (seenB.has(x)) shared++;
        seenA.add(x);
      }
      if (y !== undefined) {
        if (seenA.has(y)) shared++;
        seenB.add(y);
      }
    }
    if (x !== undefined && x === y) {
      seenA.add(x);
      seenB.add(y);
    }
    agreement = shared / d;
    sum += weight * agreement;
    weight *= p;
  }
  // weight is now p^k.
  return (1 - p) * sum + weight * agreement;
}

/** Percentile by nearest rank of a sorted copy (p in [0, 100]). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export type Scored = { id: string; score: number };
export type ListComparison = { overlap_at_k: number; rbo: number; score_shift: number | null; top_differs: boolean };

/**
 * How a candidate's list differs from production's on the same input: overlap@k, RBO
 * (p = 0.9) over the top k, the mean score shift (candidate - production) over the items
 * both ranked (null when they share none: the scores are then not comparable), and whether
 * the first item differs.
 */
export function compareLists(production: readonly Scored[], candidate: readonly Scored[], k: number): ListComparison {
  const a = production.slice(0, k).map((r) => r.id);
  const b = candidate.slice(0, k).map((r) => r.id);
  const prodScore = new Map(production.map((r) => [r.id, r.score]));
  let shift = 0;
  let shared = 0;
  for (const r of candidate) {
    const p = prodScore.get(r.id);
    if (p === undefined) continue;
    shift += r.score - p;
    shared++;
  }
  return {
    overlap_at_k: overlapAtK(a, b, k),
    rbo: rankBiasedOverlap(a, b, 0.9),
    score_shift: shared > 0 ? shift / shared : null,
    top_differs: a[0] !== b[0],
  };
}
