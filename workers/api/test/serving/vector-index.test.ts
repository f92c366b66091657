import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardObjectName } from "@edge-ml/core/vector/shards";
import type { Metric, VectorRecord } from "@edge-ml/core/vector/types";
import { vectors } from "@edge-ml/core/test/fixtures";
import { LocalVectorIndex } from "../../../shared/vector/local-index";

/** The reference: every score computed in float64 the obvious way, sorted. */
function bruteForce(data: number[][], q: number[], metric: Metric, k: number, keep = (_: number) => true) {
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const scored = data
    .map((v, i) => {
      if (!keep(i)) return undefined;
      if (metric === "euclidean") return { i, s: Math.sqrt(v.reduce((s, x, j) => s + (x - q[j]!) ** 2, 0)) };
      if (metric === "dot-product") return { i, s: dot(v, q) };
      return { i, s: dot(v, q) / Math.sqrt(dot(v, v) * dot(q, q)) };
    })
    .filter((x): x is { i: number; s: number } => x !== undefined);
  scored.sort((a, b) => (metric === "euclidean" ? a.s - b.s : b.s - a.s));
  return scored.slice(0, k);
}

const records = (data: number[][], extra: (i: number) => Partial<VectorRecord> = () => ({})) =>
  data.map((values, i) => ({ id: `v${i}`, values, ...extra(i) }));

describe("local vector index (Vectorize semantics, Durable Object)", () => {
  it.each(["cosine", "euclidean", "dot-product"] as const)(
    "exact %s search equals a brute-force reference",
    async (metric) => {
      const data = vectors(1500, 32, metric.length);
      const index = new LocalVectorIndex(env.VECTOR_INDEX, `t-${metric}-${crypto.randomUUID()}`, {
        name: "test",
        dimensions: 32,
        metric,
      });
      for (let i = 0; i < data.length; i += 1000)
        await index.upsert(records(data.slice(i, i + 1000)).map((r, j) => ({ ...r, id: `v${i + j}` })));
      for (const q of vectors(5, 32, 99)) {
        const { matches } = await index.query(q, { topK: 10 });
        const ref = bruteForce(data, q, metric, 10);
        expect(matches.map((m) => m.id)).toEqual(ref.map((r) => `v${r.i}`));
        matches.forEach((m, j) => expect(m.score).toBeCloseTo(ref[j]!.s, 4));
      }
    },
  );

  it("filters metadata with $eq $ne $in $nin $lt $lte $gt $gte and implicit equality", async () => {
    const data = vectors(300, 8, 3);
    const index = new LocalVectorIndex(env.VECTOR_INDEX, `t-filter-${crypto.randomUUID()}`, {
      name: "test",
      dimensions: 8,
      metric: "cosine",
    });
    const category = (i: number) => ["bags", "watches", "tees"][i % 3]!;
    await index.upsert(records(data, (i) => ({ metadata: { category: category(i), price: i, sale: i % 2 === 0 } })));
    const q = vectors(1, 8, 11)[0]!;
    const cases: [Parameters<typeof index.query>[1], (i: number) => boolean][] = [
      [{ filter: { category: "bags" } }, (i) => category(i) === "bags"],
      [{ filter: { category: { $ne: "bags" } } }, (i) => category(i) !== "bags"],
      [{ filter: { category: { $in: ["tees", "watches"] } } }, (i) => category(i) !== "bags"],
      [{ filter: { category: { $nin: ["tees"] } } }, (i) => category(i) !== "tees"],
      [{ filter: { price: { $gte: 100, $lt: 150 }, sale: true } }, (i) => i >= 100 && i < 150 && i % 2 === 0],
      [{ filter: { price: { $gt: 290 } } }, (i) => i > 290],
      [{ filter: { price: { $lte: 3 } } }, (i) => i <= 3],
      [{ filter: { category: "nothing" } }, () => false],
    ];
    for (const [options, keep] of cases) {
      const { matches } = await index.query(q, { topK: 20, ...options });
      expect(
        matches.map((m) => m.id),
        JSON.stringify(options),
      ).toEqual(bruteForce(data, q, "cosine", 20, keep).map((r) => `v${r.i}`));
    }
  });

  it("keeps tenants and namespaces apart", async () => {
    const data = vectors(50, 8, 5);
    const a = new LocalVectorIndex(env.VECTOR_INDEX, `tenant-a-${crypto.randomUUID()}`, {
      name: "test",
      dimensions: 8,
      metric: "cosine",
    });
    const b = new LocalVectorIndex(env.VECTOR_INDEX, `tenant-b-${crypto.randomUUID()}`, {
      name: "test",
      dimensions: 8,
      metric: "cosine",
    });
    await a.upsert(records(data, (i) => ({ namespace: i < 25 ? "one" : "two" })));
    expect((await b.query(data[0]!, { topK: 5 })).matches).toEqual([]);
    expect(await b.getByIds(["v0"])).toEqual([]);
    const inOne = await a.query(data[30]!, { topK: 20, namespace: "one" });
    expect(inOne.matches.every((m) => Number(m.id.slice(1)) < 25)).toBe(true);
    expect(inOne.matches).toHaveLength(20);
  });

  it("insert keeps existing ids, upsert replaces them; get, delete and describe", async () => {
    const index = new LocalVectorIndex(env.VECTOR_INDEX, `t-crud-${crypto.randomUUID()}`, {
      name: "test",
      dimensions: 3,
      metric: "euclidean",
    });
    expect(
      (
        await index.insert([
          { id: "a", values: [1, 0, 0] },
          { id: "b", values: [0, 1, 0] },
        ])
      ).count,
    ).toBe(2);
    expect((await index.insert([{ id: "a", values: [9, 9, 9] }])).count).toBe(0);
    expect((await index.getByIds(["a"]))[0]!.values).toEqual(new Float32Array([1, 0, 0]));
    await index.upsert([{ id: "a", values: [0, 0, 1], metadata: { k: "v" } }]);
    expect(await index.getByIds(["a", "missing"])).toEqual([
      { id: "a", values: new Float32Array([0, 0, 1]), metadata: { k: "v" } },
    ]);
    expect((await index.deleteByIds(["b", "missing"])).ids).toEqual(["b"]);
    expect(await index.describe()).toEqual({ dimensions: 3, metric: "euclidean", vectorCount: 1 });
    const { matches } = await index.query([0, 0, 1], { topK: 1, returnValues: true, returnMetadata: "all" });
    expect(matches).toEqual([{ id: "a", score: 0, values: new Float32Array([0, 0, 1]), metadata: { k: "v" } }]);
  });

  it("a sharded index (4 objects) answers as the brute force, on the WASM kernel", async () => {
    const tenant = `t-shards-${crypto.randomUUID()}`;
    const spec = { name: "test", dimensions: 32, metric: "cosine" as const, shards: 4 };
    const index = new LocalVectorIndex(env.VECTOR_INDEX, tenant, spec);
    const data = vectors(2000, 32, 17);
    for (let i = 0; i < data.length; i += 1000)
      await index.upsert(
        records(data.slice(i, i + 1000)).map((r, j) => ({ ...r, id: `v${i + j}`, metadata: { n: i + j } })),
      );
    for (const q of vectors(5, 32, 23)) {
      const { matches } = await index.query(q, { topK: 10, filter: { n: { $gte: 500 } } });
      const ref = bruteForce(data, q, "cosine", 10, (i) => i >= 500);
      expect(matches.map((m) => m.id)).toEqual(ref.map((r) => `v${r.i}`));
      matches.forEach((m, j) => expect(m.score).toBeCloseTo(ref[j]!.s, 4));
    }
    expect((await index.getByIds(["v5", "v1999", "v0"])).map((r) => r.id)).toEqual(["v5", "v1999", "v0"]);
    expect((await index.deleteByIds(["v5", "v6"])).count).toBe(2);
    expect(await index.describe()).toEqual({ dimensions: 32, metric: "cosine", vectorCount: 1998 });
    const binding = env.VECTOR_INDEX as unknown as DurableObjectNamespace<
      import("../../../shared/objects/vector-index").VectorIndexObject
    >;
    const stats = await Promise.all(
      [0, 1, 2, 3].map((s) => binding.get(binding.idFromName(shardObjectName(spec, tenant, s))).stats(spec)),
    );
    expect(stats.reduce((a, s) => a + s.rows, 0)).toBe(1998);
    expect(stats.every((s) => s.rows > 300 && s.kernel === "wasm-simd")).toBe(true);
  });

  it("enforces Vectorize's limits", async () => {
    const tenant = `t-limits-${crypto.randomUUID()}`;
    const index = new LocalVectorIndex(env.VECTOR_INDEX, tenant, { name: "test", dimensions: 4, metric: "cosine" });
    await expect(index.upsert([{ id: "x", values: [1, 2, 3] }])).rejects.toThrow(/dimensions/);
    await expect(
      index.upsert(Array.from({ length: 1001 }, (_, i) => ({ id: `i${i}`, values: [1, 1, 1, 1] }))),
    ).rejects.toThrow(/1000/);
    await expect(index.upsert([{ id: "n", values: [1, Number.NaN, 0, 0] }])).rejects.toThrow(/non-finite/);
    await index.upsert([{ id: "ok", values: [1, 1, 1, 1] }]);
    await expect(index.query([1, 1, 1, 1], { topK: 101 })).rejects.toThrow(/topK/);
    await expect(index.query([1, 1, 1, 1], { topK: 21, returnValues: true })).rejects.toThrow(/topK/);
    await expect(index.query([1, 1, 1, 1], { topK: 100 })).resolves.toMatchObject({ count: 1 });
    await expect(index.query([1, 1, 1, 1], { filter: { a: { $regex: "x" } as never } })).rejects.toThrow(/operator/);
    // An index keeps the dimensions and metric it was created with.
    const sameTenant = new LocalVectorIndex(env.VECTOR_INDEX, tenant, {
      name: "test",
      dimensions: 8,
      metric: "cosine",
    });
    await expect(sameTenant.query(new Array(8).fill(1))).rejects.toThrow(/4-d cosine/);
    // A query may ask for either mode; a small index is exact either way it is asked.
    await expect(index.query([1, 1, 1, 1], { topK: 1, approximate: true })).resolves.toMatchObject({ count: 1 });
  });
});
