import { describe, expect, it } from "vitest";
import { createKernel } from "../vector/kernel";
import { MemoryIndex } from "../vector/memory-index";
import type { Metric, QueryOptions } from "../vector/types";
import kernelModule from "../vector/wasm/kernel.wasm";
import { gaussianMixture, xorshift32 } from "./fixtures";

/** The clustered data the recall thresholds were measured on: xorshift32's stream, bit for bit. */
const mixture = (n: number, dims: number, clusters: number, seed: number) =>
  gaussianMixture(xorshift32(seed), n, dims, clusters);

function build(metric: Metric, data: number[][], extra: (i: number) => object = () => ({})) {
  const index = new MemoryIndex(data[0]!.length, metric, { kernel: createKernel(kernelModule) });
  for (let i = 0; i < data.length; i += 1000) {
    index.write(
      data.slice(i, i + 1000).map((values, j) => ({ id: `v${i + j}`, values, ...extra(i + j) })),
      "upsert",
    );
  }
  return index;
}

/** recall@k of the approximate answers against the exact ones, over `queries`. */
function recall(index: MemoryIndex, queries: number[][], options: QueryOptions = {}, k = 10): number {
  let hit = 0;
  let total = 0;
  for (const q of queries) {
    const exact = new Set(index.query(q, { ...options, topK: k, approximate: false }).map((m) => m.id));
    const approx = index.query(q, { ...options, topK: k, approximate: true });
    hit += approx.filter((m) => exact.has(m.id)).length;
    total += exact.size;
  }
  return hit / total;
}

describe("approximate search (IVF over the SIMD kernel)", () => {
  it.each(["cosine", "euclidean", "dot-product"] as const)(
    "%s: recall@10 >= 0.95 against exact on 20k clustered vectors",
    (metric) => {
      const { data, near } = mixture(20_000, 64, 200, metric.length);
      const index = build(metric, data);
      const queries = Array.from({ length: 100 }, (_, i) => near(data[(i * 197) % data.length]!));
      expect(recall(index, queries)).toBeGreaterThanOrEqual(0.95);
      expect(index.lists).toBeGreaterThan(100);
    },
  );

  it("is the default only above the size threshold; approximate: false is exact", () => {
    const { data } = mixture(21_000, 100, 50, 3);
    const small = build("cosine", data.slice(0, 1000));
    small.query(data[0]!, { topK: 5 });
    expect(small.lists).toBe(0);
    const large = build("cosine", data);
    large.query(data[0]!, { topK: 5, approximate: false });
    expect(large.lists).toBe(0);
    large.query(data[0]!, { topK: 5 });
    expect(large.lists).toBeGreaterThan(0);
  });

  it("honours filters and namespaces: never a failing row, k rows whenever k pass", () => {
    const { data, near } = mixture(20_000, 32, 100, 11);
    const index = build("cosine", data, (i) => ({
      namespace: i % 2 ? "odd" : "even",
      metadata: { cat: `c${i % 10}`, price: i },
    }));
    const q = near(data[123]!);
    const cases: [QueryOptions, (i: number) => boolean][] = [
      [{ filter: { cat: "c3" } }, (i) => i % 10 === 3],
      [{ namespace: "odd" }, (i) => i % 2 === 1],
      [{ namespace: "even", filter: { cat: { $in: ["c2", "c4"] } } }, (i) => i % 2 === 0 && [2, 4].includes(i % 10)],
      // 40 passing rows scattered over every list: the lists nearest the query hold few of them.
      [{ filter: { price: { $lt: 40 } } }, (i) => i < 40],
      [{ filter: { price: { $gte: 19_995 } } }, (i) => i >= 19_995],
      [{ filter: { cat: "none" } }, () => false],
    ];
    for (const [options, keep] of cases) {
      const passing = data.filter((_, i) => keep(i)).length;
      const matches = index.query(q, { ...options, topK: 20, approximate: true });
      expect(
        matches.every((m) => keep(Number(m.id.slice(1)))),
        JSON.stringify(options),
      ).toBe(true);
      expect(matches, JSON.stringify(options)).toHaveLength(Math.min(20, passing));
      if (options.namespace) expect(matches.every((m) => m.namespace === options.namespace)).toBe(true);
    }
    const queries = Array.from({ length: 50 }, (_, i) => near(data[i * 301]!));
    expect(recall(index, queries, { filter: { cat: "c3" } })).toBeGreaterThanOrEqual(0.9);
    expect(recall(index, queries, { namespace: "odd" })).toBeGreaterThanOrEqual(0.9);
  });

  it("keeps its lists right through upserts and deletes, and retrains when the rows halve", () => {
    const { data, near } = mixture(20_000, 32, 100, 5);
    const index = build("euclidean", data);
    index.query(data[0]!, { topK: 1, approximate: true });
    const lists = index.lists;
    // Move every tenth row elsewhere and delete every other one.
    index.write(
      data.slice(0, 1000).map((v, i) => ({ id: `v${i * 10}`, values: v.map((c) => -c) })),
      "upsert",
    );
    const deleted = Array.from({ length: 10_000 }, (_, i) => `v${2 * i + 1}`);
    for (let i = 0; i < deleted.length; i += 1000) index.delete(deleted.slice(i, i + 1000));
    expect(index.size).toBe(10_000);
    const queries = Array.from({ length: 50 }, (_, i) => near(data[i * 17]!));
    for (const q of queries) {
      const ids = index.query(q, { topK: 10, approximate: true }).map((m) => Number(m.id.slice(1)));
      expect(ids.every((i) => i % 2 === 0)).toBe(true);
    }
    expect(recall(index, queries)).toBeGreaterThanOrEqual(0.95);
    expect(index.lists).toBe(lists);
    index.delete(Array.from({ length: 5001 }, (_, i) => `v${2 * i}`));
    index.query(data[0]!, { topK: 1, approximate: true });
    expect(index.lists).toBeLessThan(lists);
    expect(recall(index, queries)).toBeGreaterThanOrEqual(0.95);
  });
});
