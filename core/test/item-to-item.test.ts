import { describe, expect, it } from "vitest";
import { EASE_MAX_ITEMS, easeMatrix, easeModel } from "../ml/ease";
import { buildInteractions, mergeUserEvents, type InteractionMatrix } from "../ml/interactions";
import { itemKnnModel } from "../ml/item-knn";
import {
  decodeItemToItem,
  emptyItemToItem,
  encodeItemToItem,
  itemToItemScorer,
  NeighbourSelector,
  scoreFromItems,
  type ItemToItemModel,
} from "../ml/item-to-item";
import { evaluate, popularityScorer, splitPerUser } from "../ml/metrics";
import { Rng } from "../ml/random";
import { syntheticInteractions } from "../ml/synthetic";

/** A matrix from [user, item, value] triples (one event per pair, so value = label or -1 for a dislike). */
function matrixOf(nUsers: number, nItems: number, entries: [number, number, number][]): InteractionMatrix {
  return buildInteractions(
    entries.map((e) => e[0]),
    entries.map((e) => e[1]),
    entries.map((e) => e[2]),
    nUsers,
    nItems,
  );
}

/** A random matrix: each pair absent (60%), a dislike (10%) or a positive of strength 0.5 or 2. */
function randomMatrix(nUsers: number, nItems: number, seed: number): InteractionMatrix {
  const rng = new Rng(seed);
  const entries: [number, number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      const r = rng.next();
      if (r < 0.6) continue;
      entries.push([u, i, r < 0.7 ? 0 : r < 0.85 ? 0.5 : 2]);
    }
  }
  return matrixOf(nUsers, nItems, entries);
}

/** The binarized positives as a dense nUsers x nItems 0/1 matrix. */
function denseBinary(m: InteractionMatrix): number[][] {
  const x = Array.from({ length: m.nUsers }, () => new Array<number>(m.nItems).fill(0));
  for (let u = 0; u < m.nUsers; u++)
    for (let e = m.userPtr[u]!; e < m.userPtr[u + 1]!; e++) if (m.userValues[e]! > 0) x[u]![m.userItems[e]!] = 1;
  return x;
}

/** The inverse by Gauss-Jordan with partial pivoting: independent of the Cholesky route under test. */
function inverse(g: number[][]): number[][] {
  const n = g.length;
  const a = g.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const d = a[c]![c]!;
    for (let k = 0; k < 2 * n; k++) a[c]![k]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let k = 0; k < 2 * n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row) => row.slice(n));
}

/** EASE straight from its definition: G = X^T X + lambda I, P = G^-1, B = I - P diag(1/diag P). */
function directEase(m: InteractionMatrix, lambda: number): number[][] {
  const x = denseBinary(m);
  const n = m.nItems;
  const g = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? lambda : 0)),
  );
  const p = inverse(g);
  return p.map((row, j) => row.map((v, i) => (i === j ? 1 : 0) - v / p[i]![i]!));
}

/** Row j of a model as [item, weight] pairs (filled slots only). */
function rowOf(model: ItemToItemModel, j: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = j * model.neighbours; s < (j + 1) * model.neighbours; s++)
    if (model.index[s]! >= 0) out.push([model.index[s]!, model.weight[s]!]);
  return out;
}

/** The positive entries of a dense row as [item, float32 weight], best first, ties to the lower index. */
function expectedRow(row: ArrayLike<number>, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < row.length; i++) if (row[i]! > 0) out.push([i, row[i]!]);
  out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return out.slice(0, n).map(([i, w]) => [i, Math.fround(w)]);
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

// The planted world of als.test.ts: 10 tastes over 300 items, 500 users.
const U = 500;
const I = 300;
const data = syntheticInteractions({ nUsers: U, nItems: I, nInteractions: 15_000, clusters: 10, seed: 7 });
const matrix = buildInteractions(data.users, data.items, data.labels, U, I, { timestamps: data.timestamps });
const split = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 3 });

describe("EASE", () => {
  it("equals the closed form on a hand-checked 4 x 3 matrix, binarizing strengths and ignoring dislikes", () => {
    // Binarized X = [[1,1,0],[1,0,1],[0,1,1],[1,1,1]] (user 0's 2.5 and 0.5 count 1, their dislike 0).
    // G = X^T X + I = 2I + 2J (J all ones), so P = 0.5 I - 0.125 J: diag 0.375, off-diagonal
    // -0.125, and every B[j][i] (i != j) = 0.125 / 0.375 = 1/3.
    const m = matrixOf(4, 3, [
      [0, 0, 2.5],
      [0, 1, 0.5],
      [0, 2, 0],
      [1, 0, 1],
      [1, 2, 1],
      [2, 1, 0.2],
      [2, 2, 0.2],
      [3, 0, 1],
      [3, 1, 1],
      [3, 2, 1],
    ]);
    const b = easeMatrix(m, 1);
    for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) expect(b[j * 3 + i]).toBeCloseTo(i === j ? 0 : 1 / 3, 14);
    const model = easeModel(m, { lambda: 1, neighbours: 2 });
    // Equal weights: ties go to the lower item index.
    expect(rowOf(model, 1)).toEqual([
      [0, Math.fround(1 / 3)],
      [2, Math.fround(1 / 3)],
    ]);
  });

  it("equals a direct dense computation (Gauss-Jordan inverse) with a zero diagonal; rows keep the top positives", () => {
    const m = randomMatrix(12, 6, 5);
    const lambda = 2;
    const want = directEase(m, lambda);
    const b = easeMatrix(m, lambda);
    let worst = 0;
    let negatives = 0;
    for (let j = 0; j < 6; j++) {
      expect(b[j * 6 + j]).toBe(0);
      for (let i = 0; i < 6; i++) {
        worst = Math.max(worst, Math.abs(b[j * 6 + i]! - want[j]![i]!));
        if (b[j * 6 + i]! < 0) negatives++;
      }
    }
    expect(worst).toBeLessThan(1e-12);
    expect(negatives).toBeGreaterThan(0); // the case exercises the positive-only choice
    for (const n of [6, 2]) {
      const model = easeModel(m, { lambda, neighbours: n });
      for (let j = 0; j < 6; j++) expect(rowOf(model, j)).toEqual(expectedRow(b.subarray(j * 6, j * 6 + 6), n));
    }
  });

  it("leaves an item with no positive user an empty row that no item votes for", () => {
    // Item 2 has only a dislike, item 3 nothing at all.
    const m = matrixOf(3, 4, [
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 2, 0],
      [2, 1, 1],
    ]);
    const model = easeModel(m, { lambda: 0.5, neighbours: 3 });
    for (const j of [2, 3]) {
      expect(Array.from(model.index.subarray(j * 3, j * 3 + 3))).toEqual([-1, -1, -1]);
      expect(Array.from(model.weight.subarray(j * 3, j * 3 + 3))).toEqual([0, 0, 0]);
    }
    expect(rowOf(model, 0).map((s) => s[0])).toEqual([1]);
    expect(Array.from(model.index).filter((i) => i === 2 || i === 3)).toEqual([]);
  });

  it("throws a RangeError above EASE_MAX_ITEMS and on bad parameters", () => {
    const big = buildInteractions([0], [EASE_MAX_ITEMS], [1], 1, EASE_MAX_ITEMS + 1);
    expect(() => easeModel(big)).toThrow(RangeError);
    expect(() => easeModel(big)).toThrow(/at most 2000 items/);
    const m = randomMatrix(4, 3, 1);
    expect(() => easeModel(m, { lambda: 0 })).toThrow(RangeError);
    expect(() => easeModel(m, { neighbours: 0 })).toThrow(RangeError);
  });
});

describe("cosine item-kNN", () => {
  /** Brute-force |U_j ∩ U_i| / (sqrt|U_j| sqrt|U_i| + shrink) over a dense binary matrix. */
  function bruteCosine(m: InteractionMatrix, shrink: number): number[][] {
    const x = denseBinary(m);
    const size = (i: number) => x.reduce((s, row) => s + row[i]!, 0);
    return Array.from({ length: m.nItems }, (_, j) =>
      Array.from({ length: m.nItems }, (_, i) => {
        if (i === j) return 0;
        const both = x.reduce((s, row) => s + row[i]! * row[j]!, 0);
        return both / (Math.sqrt(size(j)) * Math.sqrt(size(i)) + shrink);
      }),
    );
  }

  it("equals a brute-force cosine on a small random matrix, with and without shrink", () => {
    const m = randomMatrix(30, 12, 9);
    for (const shrink of [0, 2.5]) {
      const want = bruteCosine(m, shrink);
      for (const n of [12, 3]) {
        const model = itemKnnModel(m, { neighbours: n, shrink });
        for (let j = 0; j < 12; j++) expect(rowOf(model, j)).toEqual(expectedRow(want[j]!, n));
      }
    }
  });

  it("caps a long history at its most recent positives, as if the older ones were not there", () => {
    // User 0 has positives on items 0..4 at times 1..5 and a dislike; cap 2 keeps items 3 and 4.
    const ev: [number, number, number, number][] = [
      [0, 0, 1, 1],
      [0, 1, 1, 2],
      [0, 2, 1, 3],
      [0, 3, 1, 4],
      [0, 4, 1, 5],
      [0, 5, 0, 6],
      [1, 0, 1, 1],
      [1, 3, 1, 2],
      [2, 1, 1, 1],
      [2, 4, 1, 2],
    ];
    const build = (rows: typeof ev) =>
      buildInteractions(
        rows.map((e) => e[0]),
        rows.map((e) => e[1]),
        rows.map((e) => e[2]),
        3,
        6,
        { timestamps: rows.map((e) => e[3]) },
      );
    const capped = itemKnnModel(build(ev), { neighbours: 5, shrink: 0, maxUserItems: 2 });
    const trimmed = itemKnnModel(build(ev.filter((e) => e[0] !== 0 || e[1] >= 3)), { neighbours: 5, shrink: 0 });
    expect(Array.from(capped.index)).toEqual(Array.from(trimmed.index));
    expect(sameBytes(capped.weight, trimmed.weight)).toBe(true);
    expect(rowOf(capped, 3)).toEqual([
      [0, Math.fround(1 / Math.sqrt(2))],
      [4, Math.fround(1 / 2)],
    ]);
  });

  it("leaves an item with no positive user an empty row, and never votes for it", () => {
    const m = matrixOf(3, 4, [
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 2, 0],
      [2, 1, 1],
    ]);
    const model = itemKnnModel(m, { neighbours: 3 });
    for (const j of [2, 3]) expect(Array.from(model.index.subarray(j * 3, j * 3 + 3))).toEqual([-1, -1, -1]);
    expect(Array.from(model.index).filter((i) => i === 2 || i === 3)).toEqual([]);
  });
});

describe("item-to-item scoring", () => {
  it("both models beat popularity by a wide margin on the planted world (per-user split)", () => {
    const pop = evaluate(popularityScorer(split.train), split, 10);
    const ease = evaluate(itemToItemScorer(easeModel(split.train), split.train), split, 10);
    const knn = evaluate(itemToItemScorer(itemKnnModel(split.train), split.train), split, 10);
    // Measured: popularity R@10 0.131 / NDCG@10 0.081, EASE 0.524 / 0.443, kNN 0.524 / 0.438.
    expect(ease.users).toBeGreaterThan(400);
    for (const model of [ease, knn]) {
      expect(model.recall).toBeGreaterThanOrEqual(3.5 * pop.recall);
      expect(model.ndcg).toBeGreaterThanOrEqual(5 * pop.ndcg);
      expect(model.recall).toBeGreaterThan(0.45);
    }
  });

  it("sums the votes of positive items only (binary input, dislikes cast none)", () => {
    const model = emptyItemToItem(3, 2);
    model.index.set([1, 2, 0, -1, 1, 0]);
    model.weight.set([0.5, 0.25, 2, 0, 1, 0.125]);
    const out = scoreFromItems(model, [0, 1, 2], [3, -1, 0.2], new Float32Array(3));
    // Item 0 (strength 3, counted as 1) votes 1: 0.5, 2: 0.25; item 1 is disliked; item 2 votes 1: 1, 0: 0.125.
    expect(Array.from(out)).toEqual([0.125, 1.5, 0.25]);
    expect(() => scoreFromItems(model, [3], [1], new Float32Array(3))).toThrow(RangeError);
  });

  it("scores from a raw history exactly as the offline scorer does, bit for bit", () => {
    // The edge path: a user's raw events merged by mergeUserEvents (input order, as this matrix).
    const untimed = buildInteractions(data.users, data.items, data.labels, U, I);
    const model = itemKnnModel(untimed);
    const scorer = itemToItemScorer(model, untimed);
    for (const u of [0, 17, 123, 499]) {
      const mine = Array.from(data.users.keys()).filter((e) => data.users[e] === u);
      const merged = mergeUserEvents(
        mine.map((e) => data.items[e]!),
        mine.map((e) => data.labels[e]!),
      );
      const offline = new Float32Array(I);
      scorer(u, offline);
      const edge = scoreFromItems(model, merged.items, merged.values, new Float32Array(I));
      expect(sameBytes(edge, offline)).toBe(true);
      expect(offline.some((s) => s > 0)).toBe(true);
    }
  });

  it("orders a row by weight, ties to the lower index, keeping positive weights only", () => {
    const select = new NeighbourSelector(3);
    const model = emptyItemToItem(2, 3);
    for (const [i, w] of [
      [5, 0.5],
      [2, 0.75],
      [1, 0.5],
      [4, -1],
      [3, 0],
      [0, 0.25],
    ] as const)
      select.offer(i, w);
    select.write(model, 1);
    expect(rowOf(model, 1)).toEqual([
      [2, 0.75],
      [1, 0.5],
      [5, 0.5],
    ]);
    select.reset();
    select.offer(4, 1);
    select.write(model, 0);
    expect(Array.from(model.index)).toEqual([4, -1, -1, 2, 1, 5]);
  });

  it("round-trips through the little-endian binary layout and rejects bytes that cannot be a model", () => {
    const model = easeModel(split.train, { neighbours: 20 });
    const bytes = encodeItemToItem(model);
    expect(bytes.length).toBe(8 * I * 20);
    const view = new DataView(bytes.buffer);
    expect(view.getInt32(0, true)).toBe(model.index[0]);
    expect(view.getFloat32(4 * I * 20, true)).toBe(model.weight[0]);
    // Decoding from an unaligned view (as a slice of a larger buffer may be) works too.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const back = decodeItemToItem(padded.subarray(3), I);
    expect(back.nItems).toBe(I);
    expect(back.neighbours).toBe(20);
    expect(Array.from(back.index)).toEqual(Array.from(model.index));
    expect(sameBytes(back.weight, model.weight)).toBe(true);
    expect(Array.from(encodeItemToItem(back))).toEqual(Array.from(bytes));
    expect(() => decodeItemToItem(bytes.subarray(0, bytes.length - 8), I + 1)).toThrow(RangeError);
    const bad = bytes.slice();
    new DataView(bad.buffer).setInt32(0, I, true);
    expect(() => decodeItemToItem(bad, I)).toThrow(/out of range/);
    expect(decodeItemToItem(new Uint8Array(0), 0).neighbours).toBe(0);
  });
});
