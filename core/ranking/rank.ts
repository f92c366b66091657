import { blend, type Blended, type Signals } from "./blend";
import type { Weights } from "./weights";

export type Scored<T> = T & Blended & { rank: number };

/**
 * Scores every candidate with `blend` and orders them best first (ties by id, so a ranking
 * is reproducible). `rank` is 1-based.
 */
export function rankCandidates<T extends { id: string; signals: Signals }>(
  candidates: T[],
  weights: Weights,
  present: { search: boolean; cf: boolean },
): Scored<T>[] {
  return candidates
    .map((c) => ({ ...c, ...blend(c.signals, weights, present) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c, i) => ({ ...c, rank: i + 1 }));
}
