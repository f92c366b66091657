import { hashString } from "./hashing";
import type { LabelledText } from "./labels";

/** A row's key for the split: its id when stored, else its text (so a row's side does not depend on the order of the rows). */
const keyOf = (r: LabelledText & { example_id?: string }) =>
  r.example_id ?? `${r.headline}\u0001${r.short_description ?? ""}`;

/**
 * A deterministic stratified split: within each category, rows ordered by a seeded hash of
 * their key, the first round(share x n) go to `test`; a category keeps at least one training
 * row. The same rows and seed give the same split in any order (the evaluation holdout and the
 * trainer agree without sharing state). Both sides keep the input order.
 */
export function splitStratified<T extends LabelledText>(
  rows: readonly T[],
  share: number,
  seed: number,
): { train: T[]; test: T[] } {
  if (!(share >= 0 && share < 1)) throw new Error(`split share must be in [0, 1), got ${share}`);
  const byClass = new Map<string, { i: number; h: number }[]>();
  rows.forEach((r, i) => {
    const list = byClass.get(r.category) ?? [];
    list.push({ i, h: hashString(keyOf(r), seed) });
    byClass.set(r.category, list);
  });
  const test = new Uint8Array(rows.length);
  for (const list of byClass.values()) {
    list.sort((a, b) => a.h - b.h || a.i - b.i);
    const n = Math.min(list.length - 1, Math.round(share * list.length));
    for (let k = 0; k < n; k++) test[list[k]!.i] = 1;
  }
  const out = { train: [] as T[], test: [] as T[] };
  rows.forEach((r, i) => (test[i] ? out.test : out.train).push(r));
  return out;
}
