import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MemoryIndex } from "@edge-ml/core/vector/memory-index";
import type { VectorIndex } from "@edge-ml/core/vector/types";
import { TEXT_INDEX, type IndexSpec } from "@edge-ml/core/vector/indexes";
import { LocalTextEncoder, textEncoderFor, WorkersAiTextEncoder } from "../../../shared/text/encoder";
import { vectorIndexFor } from "../../../shared/vector/index-for";
import { LocalVectorIndex } from "../../../shared/vector/local-index";
import { VectorizeTenantIndex } from "../../../shared/vector/vectorize-index";

/**
 * Vectorize and Workers AI cannot run here. Their adapters are tested against in-memory
 * fakes of the bindings (the remote service, never our code), and every behaviour checked
 * through the Vectorize adapter is checked through the real local stand-in too.
 */
class FakeVectorize {
  readonly index = new MemoryIndex(8, "cosine");
  calls = 0;
  async query(vector: number[], options: VectorizeQueryOptions = {}) {
    this.calls++;
    const matches = this.index.query(vector, {
      topK: options.topK,
      namespace: options.namespace,
      filter: options.filter as never,
      returnValues: options.returnValues,
      returnMetadata: options.returnMetadata === "indexed" ? "indexed" : options.returnMetadata === "all",
    });
    return { matches, count: matches.length };
  }
  async upsert(vectors: VectorizeVector[]) {
    this.index.write(vectors as never, "upsert");
    return { mutationId: crypto.randomUUID() };
  }
  async insert(vectors: VectorizeVector[]) {
    this.index.write(vectors as never, "insert");
    return { mutationId: crypto.randomUUID() };
  }
  async getByIds(ids: string[]) {
    return this.index.get(ids) as VectorizeVector[];
  }
  async deleteByIds(ids: string[]) {
    this.index.delete(ids);
    return { mutationId: crypto.randomUUID() };
  }
  async describe() {
    return { vectorCount: this.index.size, dimensions: 8, processedUpToDatetime: 0, processedUpToMutation: 0 };
  }
}

const SPEC: IndexSpec = { name: "backend-test", dimensions: 8, metric: "cosine" };
const v = (...xs: number[]) => [...xs, ...Array(8 - xs.length).fill(0)];

const backends: [string, (tenant: string, shared: FakeVectorize) => VectorIndex][] = [
  ["local Durable Object index", (tenant) => new LocalVectorIndex(env.VECTOR_INDEX, tenant, SPEC)],
  ["Vectorize adapter (fake binding)", (tenant, shared) => new VectorizeTenantIndex(shared as never, tenant, SPEC)],
];

describe.each(backends)("VectorIndex contract: %s", (_, make) => {
  it("upserts, queries with filters, gets and deletes by the caller's ids", async () => {
    const shared = new FakeVectorize();
    const tenant = crypto.randomUUID();
    const index = make(tenant, shared);
    await index.upsert([
      { id: "a", values: v(1, 0), metadata: { item_id: "a", category: "bags" } },
      { id: "b", values: v(1, 1), metadata: { item_id: "b", category: "shoes" } },
      { id: "c", values: v(0, 1), metadata: { item_id: "c", category: "bags" } },
    ]);
    const all = await index.query(v(1, 0), { topK: 3, returnMetadata: "indexed" });
    expect(all.matches.map((m) => m.id)).toEqual(["a", "b", "c"]);
    expect(all.matches[0]!.score).toBeCloseTo(1, 6);
    expect(all.matches[0]!.metadata).toMatchObject({ item_id: "a", category: "bags" });
    const bags = await index.query(v(1, 0), { topK: 3, filter: { category: "bags" } });
    expect(bags.matches.map((m) => m.id)).toEqual(["a", "c"]);
    const [b] = await index.getByIds(["b"]);
    expect(b!.id).toBe("b");
    expect(Array.from(b!.values)).toEqual(v(1, 1));
    await index.deleteByIds(["a"]);
    expect((await index.query(v(1, 0), { topK: 3 })).matches.map((m) => m.id)).toEqual(["b", "c"]);
  });

  it("keeps two tenants apart even with the same vector ids in one index", async () => {
    const shared = new FakeVectorize();
    const [t1, t2] = [crypto.randomUUID(), crypto.randomUUID()];
    await make(t1, shared).upsert([{ id: "same", values: v(1, 0), metadata: { item_id: "same" } }]);
    await make(t2, shared).upsert([{ id: "same", values: v(0, 1), metadata: { item_id: "same" } }]);
    const [one] = await make(t1, shared).getByIds(["same"]);
    const [two] = await make(t2, shared).getByIds(["same"]);
    expect(Array.from(one!.values)).toEqual(v(1, 0));
    expect(Array.from(two!.values)).toEqual(v(0, 1));
    const q = await make(t1, shared).query(v(0, 1), { topK: 10 });
    expect(q.matches).toHaveLength(1);
    expect(q.matches[0]!.score).toBeCloseTo(0, 6);
  });
});

describe("Vectorize adapter specifics", () => {
  it("pins every call to the tenant's namespace and stores digests, not the tenant's ids", async () => {
    const shared = new FakeVectorize();
    const tenant = crypto.randomUUID();
    const index = new VectorizeTenantIndex(shared as never, tenant, SPEC);
    await index.upsert([{ id: "x", values: v(1) }]);
    const [stored] = shared.index.get(shared.index.query(v(1), { topK: 1 }).map((m) => m.id));
    expect(stored!.namespace).toBe(tenant);
    expect(stored!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(await index.query(v(1), { topK: 1, namespace: "someone-else" })).toEqual({ matches: [], count: 0 });
    await expect(index.upsert([{ id: "y", values: v(1), namespace: "someone-else" }])).rejects.toThrow(/own namespace/);
  });
});

describe("text encoders", () => {
  it("Workers AI adapter batches 100 texts per call and checks the shape it gets back", async () => {
    const calls: number[] = [];
    const ai = {
      run: async (_model: string, input: { text: string[] }) => {
        calls.push(input.text.length);
        return { shape: [input.text.length, 384], data: input.text.map((t) => Array(384).fill(t.length)) };
      },
    };
    const encoder = new WorkersAiTextEncoder(ai as never, "@cf/baai/bge-small-en-v1.5");
    const out = await encoder.encode(Array.from({ length: 250 }, (_, i) => "x".repeat(i + 1)));
    expect(calls).toEqual([100, 100, 50]);
    expect(out).toHaveLength(250);
    expect(out[249]![0]).toBe(250);
    expect(encoder.dimensions).toBe(384);

    const broken = new WorkersAiTextEncoder(
      { run: async () => ({ data: [[1, 2]] }) } as never,
      "@cf/baai/bge-base-en-v1.5",
    );
    await expect(broken.encode(["a"])).rejects.toThrow(/returned 1 vectors/);
    expect(() => new WorkersAiTextEncoder(ai as never, "@cf/not/a-model")).toThrow(/TEXT_ENCODER_MODEL/);
  });

  it("the configuration picks the backend; an unknown one is a clear error, never a guess", () => {
    expect(textEncoderFor(env, "t")).toBeInstanceOf(LocalTextEncoder);
    expect(textEncoderFor({ ...env, TEXT_ENCODER_BACKEND: "workers-ai" }, "t")).toBeInstanceOf(WorkersAiTextEncoder);
    expect(() => textEncoderFor({ ...env, TEXT_ENCODER_BACKEND: "magic" }, "t")).toThrow(/local" or "workers-ai/);
    expect(vectorIndexFor(env, "t", TEXT_INDEX)).toBeInstanceOf(LocalVectorIndex);
    expect(vectorIndexFor({ ...env, VECTOR_BACKEND: "vectorize" }, "t", TEXT_INDEX)).toBeInstanceOf(
      VectorizeTenantIndex,
    );
    expect(() => vectorIndexFor({ ...env, VECTOR_BACKEND: "faiss" }, "t", TEXT_INDEX)).toThrow(/local" or "vectorize/);
    expect(() =>
      vectorIndexFor({ ...env, VECTOR_BACKEND: "vectorize" }, "t", {
        name: "model:v1",
        dimensions: 8,
        metric: "dot-product",
      }),
    ).toThrow(/No Vectorize index is bound for the model:v1 vectors/);
  });

  it("the local encoder is the tenant's hashed n-gram encoder, named as such", async () => {
    const encoder = new LocalTextEncoder(env.TEXT_ENCODER, crypto.randomUUID());
    const [a, b] = await encoder.encode(["red running shoes", "red running shoes"]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(128);
    expect(encoder.version).toBe("local-hashed-ngram-idf-v1-d128");
  });
});
