/**
 * Inverted lists for the approximate mode (IVF): k-means centroids trained on the index's own
 * rows, every row filed under its nearest centroid, and a query scanning only the rows of the
 * `probes` lists whose centroids are closest to it. Chosen over HNSW because it trains in
 * about a second on a shard and is rebuilt from the rows alone when a Durable Object loads
 * (no graph to persist), its scan is the same SIMD kernel as the exact scan, and a filter
 * is applied while gathering candidates, before any scoring.
 */

/** Row membership of the lists: append, move and remove in O(1). */
export class InvertedLists {
  private lists: Int32Array[];
  private lens: Int32Array;
  private listOf: Int32Array<ArrayBuffer> = new Int32Array(0);
  private posOf: Int32Array<ArrayBuffer> = new Int32Array(0);

  constructor(readonly count: number) {
    this.lists = Array.from({ length: count }, () => new Int32Array(8));
    this.lens = new Int32Array(count);
  }

  length(list: number): number {
    return this.lens[list]!;
  }

  /** The rows of `list` (a view: valid until the list next changes). */
  rows(list: number): Int32Array {
    return this.lists[list]!.subarray(0, this.lens[list]!);
  }

  listOfRow(row: number): number {
    return this.listOf[row]!;
  }

  add(row: number, list: number): void {
    if (row >= this.listOf.length) {
      const cap = Math.max(1024, Math.ceil((row + 1) * 1.5));
      this.listOf = grow(this.listOf, cap);
      this.posOf = grow(this.posOf, cap);
    }
    let l = this.lists[list]!;
    const n = this.lens[list]!;
    if (n === l.length) this.lists[list] = l = grow(l, n * 2);
    l[n] = row;
    this.lens[list] = n + 1;
    this.listOf[row] = list;
    this.posOf[row] = n;
  }

  remove(row: number): void {
    const list = this.listOf[row]!;
    const l = this.lists[list]!;
    const pos = this.posOf[row]!;
    const last = l[--this.lens[list]!]!;
    l[pos] = last;
    this.posOf[last] = pos;
  }

  /** Row `from` now lives at row `to` (the index moved its last row into a hole). */
  renumber(from: number, to: number): void {
    const list = this.listOf[from]!;
    const pos = this.posOf[from]!;
    this.lists[list]![pos] = to;
    this.listOf[to] = list;
    this.posOf[to] = pos;
  }
}

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** Deterministic sample of `m` distinct row numbers of `n` (partial Fisher-Yates, LCG). */
export function sampleRows(n: number, m: number, seed = 42): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  let x = seed >>> 0;
  for (let i = 0; i < Math.min(m, n); i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = i + (x % (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, Math.min(m, n));
}

/** How many lists for `n` rows: about 2 sqrt(n), at least 1. */
export const listsFor = (n: number, perSqrt: number) => Math.max(1, Math.round(perSqrt * Math.sqrt(n)));

/**
 * Where each row goes so that every list's rows are contiguous (list 0's first, rows of a
 * list in their old order): `to[row]` is its new position, `byList[position]` its list.
 */
export function listOrder(assign: Int32Array, count: number): { to: Int32Array; byList: Int32Array } {
  const n = assign.length;
  const start = new Int32Array(count + 1);
  for (let row = 0; row < n; row++) start[assign[row]! + 1]!++;
  for (let c = 0; c < count; c++) start[c + 1]! += start[c]!;
  const to = new Int32Array(n);
  const byList = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const c = assign[row]!;
    const at = start[c]!++;
    to[row] = at;
    byList[at] = c;
  }
  return { to, byList };
}

/**
 * The lists not in `probed`, nearest first by `key` (higher nearer; NaN last, ties by list),
 * for a filtered query whose probed lists held fewer than k passing rows.
 */
export function unprobedNearestFirst(count: number, probed: Int32Array, key: (list: number) => number): number[] {
  const done = new Uint8Array(count);
  for (const c of probed) done[c] = 1;
  const rest: number[] = [];
  for (let c = 0; c < count; c++) if (!done[c]) rest.push(c);
  const keyOf = (c: number) => {
    const s = key(c);
    return s === s ? s : -Infinity;
  };
  return rest.sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x > y ? -1 : x < y ? 1 : a - b;
  });
}
