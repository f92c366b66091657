import { describe, expect, it } from "vitest";
import { forgetPopularHeads, popularHead } from "../../src/serving/services/catalog-reads";
import { forgetProductionVersion, productionRecommender } from "../../src/serving/services/trained-model";

/**
 * The per-isolate caches of popularity heads and production versions hold values, never a
 * read's promise: workerd refuses to let one request wait on I/O another request started,
 * so concurrent first reads each read, and only a read that succeeded is remembered.
 */
function countingDb(rows: () => unknown[]) {
  let reads = 0;
  const statement = {
    bind: () => statement,
    all: async () => {
      reads++;
      return { results: rows() };
    },
    first: async () => {
      reads++;
      return (rows()[0] as unknown) ?? null;
    },
  };
  return { db: { prepare: () => statement } as unknown as D1Database, reads: () => reads };
}

describe("per-isolate caches hold values, not promises", () => {
  it("popularHead: concurrent misses read each, a later call is a hit", async () => {
    forgetPopularHeads();
    const rows = Array.from({ length: 200 }, (_, i) => ({ item_id: `i${i}`, score: 200 - i, category: null }));
    const { db, reads } = countingDb(() => rows);
    const [a, b] = await Promise.all([popularHead(db, "t-heads"), popularHead(db, "t-heads")]);
    expect(reads()).toBe(2);
    expect(a).toEqual(b);
    await popularHead(db, "t-heads");
    expect(reads()).toBe(2);
  });

  it("popularHead: a failed read is not cached", async () => {
    forgetPopularHeads();
    let fail = true;
    const { db, reads } = countingDb(() => {
      if (fail) throw new Error("D1 down");
      return [{ item_id: "x", score: 1, category: null }];
    });
    await expect(popularHead(db, "t-fail")).rejects.toThrow("D1 down");
    fail = false;
    const head = await popularHead(db, "t-fail");
    expect(head.maxScore).toBe(1);
    expect(reads()).toBeGreaterThanOrEqual(2);
  });

  it("productionRecommender: no production version is cached as such; a forget reads again", async () => {
    forgetProductionVersion("t-none");
    const { db, reads } = countingDb(() => []);
    const bucket = {} as R2Bucket;
    expect(await productionRecommender(db, bucket, "t-none")).toBeUndefined();
    expect(await productionRecommender(db, bucket, "t-none")).toBeUndefined();
    expect(reads()).toBe(1);
    forgetProductionVersion("t-none");
    await productionRecommender(db, bucket, "t-none");
    expect(reads()).toBe(2);
  });

  it("productionRecommender: a read in flight across a forget does not cache what it read", async () => {
    forgetProductionVersion("t-race");
    const { db, reads } = countingDb(() => []);
    const pending = productionRecommender(db, {} as R2Bucket, "t-race");
    forgetProductionVersion("t-race");
    await pending;
    await productionRecommender(db, {} as R2Bucket, "t-race");
    expect(reads()).toBe(2);
  });
});
