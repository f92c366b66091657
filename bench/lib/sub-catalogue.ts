/**
 * For bench/train: a split restricted to a catalogue's most popular items, so that models
 * limited in catalogue size (EASE, core/ml/ease.ts) can be compared with the others on one
 * world. Popularity is counted on the TRAINING side only (users with a positive training
 * entry), so the choice of items does not look at the test split.
 */
import { fromCsr } from "../../core/ml/interactions";
import type { HoldOut } from "../../core/ml/metrics";

/**
 * The split on the `n` most popular training items (ties to the lower index): every user's
 * training entries (positives and dislikes) and test items restricted to them, items renumbered
 * in their original order (so rows stay ascending). Users are kept, with empty rows if need be.
 */
export function topItemsSplit(split: HoldOut, n: number): { split: HoldOut; items: Int32Array; shareOfPairs: number } {
  const { train } = split;
  const pop = new Float64Array(train.nItems);
  for (let e = 0; e < train.nnz; e++) if (train.userValues[e]! > 0) pop[train.userItems[e]!]!++;
  const order = Array.from({ length: train.nItems }, (_, i) => i).sort((a, b) => pop[b]! - pop[a]! || a - b);
  const items = Int32Array.from(order.slice(0, Math.min(n, train.nItems))).sort();
  const newIndex = new Int32Array(train.nItems).fill(-1);
  items.forEach((old, i) => (newIndex[old] = i));

  const ptr = new Int32Array(train.nUsers + 1);
  const idx: number[] = [];
  const val: number[] = [];
  const times: number[] = [];
  for (let u = 0; u < train.nUsers; u++) {
    for (let e = train.userPtr[u]!; e < train.userPtr[u + 1]!; e++) {
      const i = newIndex[train.userItems[e]!]!;
      if (i < 0) continue;
      idx.push(i);
      val.push(train.userValues[e]!);
      if (train.userTimes) times.push(train.userTimes[e]!);
    }
    ptr[u + 1] = idx.length;
  }
  const testPtr = new Int32Array(train.nUsers + 1);
  const testItems: number[] = [];
  for (let u = 0; u < train.nUsers; u++) {
    for (let e = split.testPtr[u]!; e < split.testPtr[u + 1]!; e++) {
      const i = newIndex[split.testItems[e]!]!;
      if (i >= 0) testItems.push(i);
    }
    testPtr[u + 1] = testItems.length;
  }
  const sub = fromCsr(
    train.nUsers,
    items.length,
    ptr,
    Int32Array.from(idx),
    Float32Array.from(val),
    train.userTimes ? Float64Array.from(times) : undefined,
  );
  return {
    split: { train: sub, testPtr, testItems: Int32Array.from(testItems) },
    items,
    shareOfPairs: (sub.nnz + testItems.length) / (train.nnz + split.testItems.length),
  };
}
