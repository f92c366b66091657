import { describe, expect, it } from "vitest";
import { closerFirst, TopK } from "../vector/exact";
import { createKernel } from "../vector/kernel";
import { MemoryIndex } from "../vector/memory-index";
import { mergeMatches } from "../vector/shards";
import type { Match, Metric } from "../vector/types";
import kernelModule from "../vector/wasm/kernel.wasm";
import { uniforms } from "./fixtures";

describe("top-k selection and merging", () => {
  it("TopK keeps the k largest keys, best first, skipping NaN", () => {
    const next = uniforms(7);
    const heap = new TopK(4);
    const items = new Int32Array(64);
    const keys = new Float64Array(64);
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(next() * 200);
      const k = 1 + Math.floor(next() * 40);
      // Few distinct values, so ties are common; some NaN.
      const values = Array.from({ length: n }, () => (next() < 0.05 ? NaN : Math.floor(next() * 50) - 25));
      heap.reset(k);
      values.forEach((v, i) => heap.push(i, v));
      const got = heap.drain(items, keys);
      const want = values
        .filter((v) => !Number.isNaN(v))
        .sort((a, b) => b - a)
        .slice(0, k);
      expect(Array.from(keys.subarray(0, got))).toEqual(want);
      for (let i = 0; i < got; i++) expect(values[items[i]!]).toBe(keys[i]);
      expect(new Set(items.subarray(0, got)).size).toBe(got);
    }
  });

  it.each(["cosine", "euclidean"] as const)("%s: mergeMatches is the stable sort of the shards' lists", (metric) => {
    const next = uniforms(metric.length);
    const cmp = closerFirst(metric);
    for (let trial = 0; trial < 50; trial++) {
      const lists: Match[][] = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, s) =>
        Array.from({ length: Math.floor(next() * 12) }, (_, i) => ({ id: `s${s}-${i}`, score: Math.floor(next() * 8) }))
          // Each shard answers best first.
          .sort((a, b) => cmp(a.score, b.score)),
      );
      const k = 1 + Math.floor(next() * 20);
      const want = lists
        .flat()
        .sort((a, b) => cmp(a.score, b.score))
        .slice(0, k);
      expect(mergeMatches(lists, k, metric)).toEqual(want);
    }
  });

  it.each(["cosine", "euclidean", "dot-product"] as const)(
    "%s: laying rows out by list on training changes no answer and no row",
    (metric: Metric) => {
      const next = uniforms(metric.length + 100);
      const dims = 20;
      const data = Array.from({ length: 6000 }, () => Array.from({ length: dims }, () => next() * 2 - 1));
      const index = new MemoryIndex(dims, metric, { kernel: createKernel(kernelModule) });
      for (let i = 0; i < data.length; i += 1000) {
        index.write(
          data.slice(i, i + 1000).map((values, j) => ({
            id: `v${i + j}`,
            values,
            namespace: (i + j) % 3 ? "a" : "b",
            metadata: { n: i + j },
          })),
          "upsert",
        );
      }
      const queries = Array.from({ length: 10 }, () => Array.from({ length: dims }, () => next() * 2 - 1));
      const ask = () =>
        queries.map((q, j) =>
          index.query(q, {
            topK: 20,
            approximate: false,
            returnMetadata: "all",
            ...[{}, { namespace: "b" }, { filter: { n: { $lt: 3000 } } }][j % 3],
          }),
        );
      const ids = ["v0", "v17", "v2999", "v5999", "missing"];
      const before = { answers: ask(), rows: index.get(ids) };
      expect(index.lists).toBe(0);
      index.query(queries[0]!, { topK: 5, approximate: true });
      expect(index.lists).toBeGreaterThan(0);
      expect({ answers: ask(), rows: index.get(ids) }).toEqual(before);
      // And writes after the layout land where reads find them.
      index.write([{ id: "v17", values: data[0]!.map((c) => -c), metadata: { n: -1 } }], "upsert");
      index.delete(["v0"]);
      expect(index.get(["v0", "v17"])).toEqual([
        { id: "v17", values: index.get(["v17"])[0]!.values, metadata: { n: -1 } },
      ]);
      expect(index.size).toBe(5999);
      const exact = index.query(
        data[0]!.map((c) => -c),
        { topK: 1, approximate: false },
      );
      expect(exact[0]!.id).toBe("v17");
      expect(
        index.query(
          data[0]!.map((c) => -c),
          { topK: 1, approximate: true },
        )[0]!.id,
      ).toBe("v17");
    },
  );
});
