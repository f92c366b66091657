import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ingestEnv } from "./helpers";

const config = { dimensions: 16, metric: "cosine" as const };
const vec = (i: number) => Array.from({ length: 16 }, (_, j) => Math.sin(i * 7 + j));

describe("VectorIndexObject persistence (the object is local to this worker)", () => {
  it("a restarted object loads its vectors from SQLite and answers the same", async () => {
    const id = ingestEnv.VECTOR_INDEX.idFromName(`vectors:test:persist-${crypto.randomUUID()}`);
    const stub = ingestEnv.VECTOR_INDEX.get(id);
    await stub.write(
      config,
      Array.from({ length: 200 }, (_, i) => ({ id: `v${i}`, values: vec(i), metadata: { n: i } })),
      "upsert",
    );
    await stub.delete(config, ["v3"]);
    const q = vec(1000);
    const before = await stub.query(config, q, { topK: 10, returnMetadata: "all" });

    await evictDurableObject(stub);
    const after = ingestEnv.VECTOR_INDEX.get(id);
    expect(await after.count(config)).toBe(199);
    expect(await after.query(config, q, { topK: 10, returnMetadata: "all" })).toEqual(before);
    expect(await after.get(config, ["v3"])).toEqual([]);
    // The object searches on the WASM SIMD kernel (imported as a compiled module), not the fallback.
    expect(await after.stats(config)).toMatchObject({ rows: 199, lists: 0, kernel: "wasm-simd" });
  });
});
