import { describe, expect, it } from "vitest";
import { createKernel } from "../vector/kernel";
import { MemoryIndex } from "../vector/memory-index";
import { shardMaxRows, shardObjectName, shardOf, ShardedIndex, type ShardClient } from "../vector/shards";
import type { IndexSpec } from "../vector/indexes";
import kernelModule from "../vector/wasm/kernel.wasm";
import { vectors } from "./fixtures";

/** Shard clients over in-process indexes, standing in for the Durable Objects. */
function local(spec: IndexSpec) {
  const shards = new Map<string, MemoryIndex>();
  const open = (name: string): ShardClient => {
    const index = new MemoryIndex(spec.dimensions, spec.metric, { kernel: createKernel(kernelModule) });
    shards.set(name, index);
    return {
      write: async (_, records, mode) => index.write(records, mode),
      delete: async (_, ids) => index.delete(ids),
      get: async (_, ids) => index.get(ids),
      query: async (_, vector, options) => index.query(vector, options),
      queryMany: async (_, queries) => queries.map((q) => index.query(q.vector, q.options ?? {})),
      count: async () => index.size,
    };
  };
  return { index: new ShardedIndex(spec, "tenant", open), shards };
}

describe("sharded index", () => {
  it("routes ids by a stable hash and names shard objects after the index", () => {
    expect(shardOf("item-1", 1)).toBe(0);
    expect([shardOf("item-1", 32), shardOf("item-2", 32), shardOf("", 32)]).toEqual([
      shardOf("item-1", 32),
      shardOf("item-2", 32),
      shardOf("", 32),
    ]);
    const counts = new Array<number>(32).fill(0);
    for (let i = 0; i < 64_000; i++) counts[shardOf(`item-${i}`, 32)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(1800);
    expect(Math.max(...counts)).toBeLessThan(2200);
    expect(shardObjectName({ name: "text", dimensions: 3, metric: "cosine" }, "t1", 3)).toBe("vectors:text:t1:s3");
    // The budget arithmetic: 32 shards of 128-d hold 1M vectors with room for skew.
    expect(shardMaxRows(128) * 32).toBeGreaterThan(1_080_000);
  });

  it.each(["cosine", "euclidean", "dot-product"] as const)(
    "%s: 5 shards answer exactly as one index, with filters and namespaces",
    async (metric) => {
      const data = vectors(3000, 24, metric.length + 1);
      const records = data.map((values, i) => ({
        id: `v${i}`,
        values,
        namespace: i % 3 === 0 ? "a" : "b",
        metadata: { n: i, even: i % 2 === 0 },
      }));
      const one = local({ name: "x", dimensions: 24, metric }).index;
      const { index: five, shards } = local({ name: "x", dimensions: 24, metric, shards: 5 });
      for (let i = 0; i < records.length; i += 1000) {
        await one.upsert(records.slice(i, i + 1000));
        expect((await five.upsert(records.slice(i, i + 1000))).count).toBe(1000);
      }
      expect([...shards.values()].every((s) => s.size > 400)).toBe(true);
      for (const [j, q] of vectors(10, 24, 99).entries()) {
        const options = [{}, { namespace: "a" }, { filter: { even: true, n: { $lt: 2000 } } }][j % 3]!;
        const a = await one.query(q, { topK: 20, returnMetadata: "all", approximate: false, ...options });
        const b = await five.query(q, { topK: 20, returnMetadata: "all", approximate: false, ...options });
        expect(b).toEqual(a);
      }
      // A batch answers each of its queries as `query` does, in one call per shard.
      const batch = vectors(4, 24, 7).map((vector, j) => ({
        vector,
        options: { topK: 10 + j, ...[{}, { namespace: "b" }, { filter: { n: { $gte: 100 } } }, {}][j]! },
      }));
      const many = await five.queryMany(batch);
      expect(many).toEqual(await Promise.all(batch.map((q) => one.query(q.vector, q.options))));
      expect(await five.getByIds(["v7", "missing", "v2"])).toEqual(await one.getByIds(["v7", "missing", "v2"]));
      expect((await five.deleteByIds(["v1", "v1", "v2", "nope"])).ids).toEqual(["v1", "v2"]);
      expect(
        (
          await five.insert([
            { id: "v3", values: data[0]! },
            { id: "new", values: data[0]! },
          ])
        ).ids,
      ).toEqual(["new"]);
      expect(await five.describe()).toEqual({ dimensions: 24, metric, vectorCount: 2999 });
    },
  );

  it("checks a whole batch before any shard writes", async () => {
    const { index, shards } = local({ name: "x", dimensions: 4, metric: "cosine", shards: 4 });
    await expect(
      index.upsert([
        { id: "a", values: [1, 2, 3, 4] },
        { id: "b", values: [1, 2, 3] },
      ]),
    ).rejects.toThrow(/dimensions/);
    expect([...shards.values()].every((s) => s.size === 0)).toBe(true);
    await expect(index.query([1, 2, 3, 4], { topK: 101 })).rejects.toThrow(/topK/);
  });

  it("a shard refuses rows beyond its budget", () => {
    const index = new MemoryIndex(2, "cosine", { maxRows: 3 });
    index.write(
      [1, 2, 3].map((i) => ({ id: `v${i}`, values: [i, 1] })),
      "upsert",
    );
    index.write([{ id: "v1", values: [0, 1] }], "upsert");
    expect(() => index.write([{ id: "v4", values: [1, 1] }], "upsert")).toThrow(/full/);
  });
});
