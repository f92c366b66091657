/**
 * The user x item interaction matrix ALS trains on, in compressed sparse form: CSR by user
 * (the user step walks a user's items) and CSC by item (the item step walks an item's users),
 * both as flat typed arrays, so a 1M-interaction set is a few MB and no per-entry objects.
 *
 * Entry value r (Float32):
 *   r > 0  a positive signal of strength r (the merged labels of its events);
 *   r < 0  an observed negative (a dislike) held with confidence |r|;
 * ALS reads p = (r > 0 ? 1 : 0) and c = 1 + alpha * |r|. An unobserved pair is r = 0 (p = 0, c = 1).
 *
 * How one pair's events merge into r: merge-rule.ts.
 */

import { IdIndex } from "./id-index";
import { addPositive, pairValue, type MergeOptions } from "./merge-rule";

// Moved out of this module; still exported from it for its importers.
export { IdIndex } from "./id-index";
export { addPositive, mergeUserEvents, pairValue, type MergeOptions, type MergeRule } from "./merge-rule";

export type InteractionOptions = MergeOptions & {
  /** Event times (any monotone unit); orders a pair's events and enables last-n splits. */
  timestamps?: ArrayLike<number>;
};

export type InteractionMatrix = {
  nUsers: number;
  nItems: number;
  /** Distinct (user, item) pairs. */
  nnz: number;
  /** CSR: user u's entries are [userPtr[u], userPtr[u+1]), items ascending. */
  userPtr: Int32Array;
  userItems: Int32Array;
  userValues: Float32Array;
  /** Latest event time of each CSR entry, when timestamps were given. */
  userTimes?: Float64Array;
  /** CSC: item i's entries are [itemPtr[i], itemPtr[i+1]), users ascending. */
  itemPtr: Int32Array;
  itemUsers: Int32Array;
  itemValues: Float32Array;
};

/**
 * Builds the CSR and CSC views from (userIndex, itemIndex, label) triples in O(n + users + items):
 * two stable counting sorts (by item, then by user) put the events in (user, item, input) order,
 * equal pairs are then adjacent and merged in one pass.
 */
export function buildInteractions(
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  labels: ArrayLike<number>,
  nUsers: number,
  nItems: number,
  options: InteractionOptions = {},
): InteractionMatrix {
  const n = users.length;
  if (items.length !== n || labels.length !== n) throw new RangeError("users, items and labels must have one length");
  const ts = options.timestamps;
  if (ts && ts.length !== n) throw new RangeError("timestamps must have the length of users");
  const merge = options.merge ?? "sum";
  const dislikeWeight = options.dislikeWeight ?? 1;
  if (!(dislikeWeight >= 0) || !Number.isFinite(dislikeWeight)) throw new RangeError("dislikeWeight must be >= 0");
  for (let e = 0; e < n; e++) {
    const u = users[e]!;
    const i = items[e]!;
    if (!(u >= 0 && u < nUsers && Number.isInteger(u)))
      throw new RangeError(`user index ${u} at row ${e} out of range`);
    if (!(i >= 0 && i < nItems && Number.isInteger(i)))
      throw new RangeError(`item index ${i} at row ${e} out of range`);
    if (!Number.isFinite(labels[e]!)) throw new RangeError(`label at row ${e} is not finite`);
  }

  const byItem = countingSort(items, nItems, identity(n));
  const order = countingSort(users, nUsers, byItem);

  // Merge runs of equal (user, item); runs are in input order, re-ordered by time when given.
  const userPtr = new Int32Array(nUsers + 1);
  const entItems = new Int32Array(n);
  const entValues = new Float32Array(n);
  const entTimes = ts ? new Float64Array(n) : undefined;
  let nnz = 0;
  let s = 0;
  while (s < n) {
    const e0 = order[s]!;
    const u = users[e0]!;
    const i = items[e0]!;
    let end = s + 1;
    while (end < n && users[order[end]!] === u && items[order[end]!] === i) end++;
    if (ts) sortRunByTime(order, s, end, ts);
    let positive = 0;
    let latestIsDislike = false;
    let latest = -Infinity;
    for (let p = s; p < end; p++) {
      const label = labels[order[p]!]!;
      if (label > 0) positive = addPositive(positive, label, merge);
      // Time-sorted run: a later event decides; an equal time keeps a dislike.
      const t = ts ? ts[order[p]!]! : p;
      if (t > latest) latestIsDislike = !(label > 0);
      else if (!(label > 0)) latestIsDislike = true;
      latest = t;
    }
    const acc = pairValue(positive, latestIsDislike, dislikeWeight);
    entItems[nnz] = i;
    entValues[nnz] = acc;
    if (entTimes && ts) entTimes[nnz] = ts[order[end - 1]!]!;
    userPtr[u + 1]!++;
    nnz++;
    s = end;
  }
  for (let u = 0; u < nUsers; u++) userPtr[u + 1]! += userPtr[u]!;

  const m: InteractionMatrix = {
    nUsers,
    nItems,
    nnz,
    userPtr,
    userItems: entItems.slice(0, nnz),
    userValues: entValues.slice(0, nnz),
    itemPtr: new Int32Array(0),
    itemUsers: new Int32Array(0),
    itemValues: new Float32Array(0),
  };
  if (entTimes) m.userTimes = entTimes.slice(0, nnz);
  fillItemView(m);
  return m;
}

/** Builds a matrix directly from CSR arrays (items ascending per user), deriving the CSC view. */
export function fromCsr(
  nUsers: number,
  nItems: number,
  userPtr: Int32Array,
  userItems: Int32Array,
  userValues: Float32Array,
  userTimes?: Float64Array,
): InteractionMatrix {
  const m: InteractionMatrix = {
    nUsers,
    nItems,
    nnz: userPtr[nUsers]!,
    userPtr,
    userItems,
    userValues,
    itemPtr: new Int32Array(0),
    itemUsers: new Int32Array(0),
    itemValues: new Float32Array(0),
  };
  if (userTimes) m.userTimes = userTimes;
  fillItemView(m);
  return m;
}

/** CSC from CSR by a counting sort on item; walking users in order keeps each item's users ascending. */
function fillItemView(m: InteractionMatrix): void {
  const itemPtr = new Int32Array(m.nItems + 1);
  for (let e = 0; e < m.nnz; e++) itemPtr[m.userItems[e]! + 1]!++;
  for (let i = 0; i < m.nItems; i++) itemPtr[i + 1]! += itemPtr[i]!;
  const next = itemPtr.slice(0, m.nItems);
  const itemUsers = new Int32Array(m.nnz);
  const itemValues = new Float32Array(m.nnz);
  for (let u = 0; u < m.nUsers; u++) {
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) {
      const i = m.userItems[e]!;
      const at = next[i]!++;
      itemUsers[at] = u;
      itemValues[at] = m.userValues[e]!;
    }
  }
  m.itemPtr = itemPtr;
  m.itemUsers = itemUsers;
  m.itemValues = itemValues;
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let e = 0; e < n; e++) a[e] = e;
  return a;
}

/** Stable counting sort of the row ids in `input` by key[row] in [0, nKeys). */
function countingSort(key: ArrayLike<number>, nKeys: number, input: Int32Array): Int32Array {
  const start = new Int32Array(nKeys + 1);
  for (let p = 0; p < input.length; p++) start[key[input[p]!]! + 1]!++;
  for (let q = 0; q < nKeys; q++) start[q + 1]! += start[q]!;
  const out = new Int32Array(input.length);
  for (let p = 0; p < input.length; p++) {
    const row = input[p]!;
    out[start[key[row]!]!++] = row;
  }
  return out;
}

/** Insertion sort of order[s, end) by time, stable; runs are one pair's events, so short. */
function sortRunByTime(order: Int32Array, s: number, end: number, ts: ArrayLike<number>): void {
  for (let p = s + 1; p < end; p++) {
    const row = order[p]!;
    const t = ts[row]!;
    let q = p - 1;
    while (q >= s && ts[order[q]!]! > t) {
      order[q + 1] = order[q]!;
      q--;
    }
    order[q + 1] = row;
  }
}

/** A training row as the Parquet training data holds it (timestamp in unix seconds). */
export type TrainingTriple = { user_id: string; item_id: string; label: number; timestamp?: number | bigint };

/** Indexes ids and builds the matrix from training rows: what the trainer calls after reading Parquet. */
export function interactionsFromRows(
  rows: readonly TrainingTriple[],
  options: MergeOptions = {},
): { matrix: InteractionMatrix; users: IdIndex; items: IdIndex } {
  const users = new IdIndex();
  const items = new IdIndex();
  const u = new Int32Array(rows.length);
  const i = new Int32Array(rows.length);
  const l = new Float32Array(rows.length);
  const t = new Float64Array(rows.length);
  let timed = rows.length > 0;
  rows.forEach((r, e) => {
    u[e] = users.add(r.user_id);
    i[e] = items.add(r.item_id);
    l[e] = r.label;
    if (r.timestamp === undefined) timed = false;
    else t[e] = Number(r.timestamp);
  });
  const matrix = buildInteractions(u, i, l, users.size, items.size, timed ? { ...options, timestamps: t } : options);
  return { matrix, users, items };
}
