import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { EmbeddingsResponse } from "@edge-ml/core/schemas";
import type { ItemEmbedding } from "../../src/serving/embeddings/embeddings.routes";
import { call, seedTenant, type ErrorBody } from "../helpers";
import { waitFor } from "../ingest/ingest-helpers";

// The response types are the api's own schemas (core/schemas/embeddings.ts; the item vector's is declared with
// its route), never copies.
type Embedding = z.infer<typeof ItemEmbedding>;
type Embeddings = z.infer<typeof EmbeddingsResponse>;

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

async function embeddingOf(token: string, id: string): Promise<Embedding> {
  const res = await waitFor(
    () =>
      call(`/api/v1/items/${encodeURIComponent(id)}/embedding`, {
        token,
        headers: { "cf-connecting-ip": `203.0.113.${id.length}` },
      }),
    (r) => r.status === 200,
  );
  return (await res.json()) as Embedding;
}

describe("GET /api/v1/items/{item_id}/embedding (items embedded by the ingest worker)", () => {
  it("returns the item's text vector: unit length, its dimension, the encoder named in model_version", async () => {
    const t = await seedTenant("embed");
    const longId = `sku-${"x".repeat(100)}`;
    const items = [
      {
        item_id: "duffle",
        title: "Joust Duffle Bag",
        description: "A roomy duffle bag for the gym and travel",
        category: "gear-bags",
      },
      {
        item_id: "duffel",
        title: "Overnight Duffel",
        description: "Travel duffel bag with shoulder strap",
        category: "gear-bags",
      },
      {
        item_id: "watch",
        title: "Aether Gym Pant",
        description: "Slim fit running pants with zip pockets",
        category: "men-bottoms-pants",
      },
      { item_id: longId, title: "Item with a long id", description: "Stored under a hashed vector id" },
    ];
    const up = await call("/api/v1/items", { method: "POST", token: t.adminKey, body: { items } });
    expect(up.status).toBe(202);

    const [a, b, c, long] = await Promise.all(items.map((it) => embeddingOf(t.adminKey, it.item_id)));
    expect(a!).toMatchObject({ item_id: "duffle", dimension: 128, model_version: "local-hashed-ngram-idf-v1-d128" });
    expect(a!.embedding).toHaveLength(128);
    expect(cos(a!.embedding, a!.embedding)).toBeCloseTo(1, 5);
    expect(cos(a!.embedding, b!.embedding)).toBeGreaterThan(cos(a!.embedding, c!.embedding));
    expect(long!.item_id).toBe(longId);
  });

  it("404 for an unknown item and for another tenant's item; 400 for an invalid id", async () => {
    const a = await seedTenant("embed-a");
    const b = await seedTenant("embed-b");
    await call("/api/v1/items", {
      method: "POST",
      token: a.adminKey,
      body: { items: [{ item_id: "secret-item", title: "A's item" }] },
    });
    await embeddingOf(a.adminKey, "secret-item");
    const other = await call("/api/v1/items/secret-item/embedding", { token: b.adminKey });
    expect(other.status).toBe(404);
    expect(((await other.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    expect((await call("/api/v1/items/nope/embedding", { token: a.adminKey })).status).toBe(404);
    const bad = await call("/api/v1/items/bad%20id/embedding", { token: a.adminKey });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.details.field).toBe("item_id");
  });
});

describe("POST /internal/ml/embeddings", () => {
  it("encodes items from their features with the tenant's encoder, storing nothing", async () => {
    const t = await seedTenant("embed-post");
    // Teach the tenant's encoder its catalogue first (the IDF), through ingestion.
    await call("/api/v1/items", {
      method: "POST",
      token: t.adminKey,
      body: { items: [{ item_id: "known", title: "Joust Duffle Bag" }] },
    });
    const stored = await embeddingOf(t.adminKey, "known");
    const res = await call("/internal/ml/embeddings", {
      method: "POST",
      token: t.adminKey,
      body: {
        tenant_id: t.tenantId,
        items: [
          { item_id: "same-text", features: { title: "Joust Duffle Bag" } },
          { item_id: "other", features: { title: "Sprite Yoga Strap", tags: ["yoga"] } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Embeddings;
    expect(body.model_version).toBe("local-hashed-ngram-idf-v1-d128");
    expect(body.embeddings.map((e) => [e.item_id, e.dimension])).toEqual([
      ["same-text", 128],
      ["other", 128],
    ]);
    expect(cos(body.embeddings[0]!.embedding, stored.embedding)).toBeCloseTo(1, 5);
    expect((await call("/api/v1/items/same-text/embedding", { token: t.adminKey })).status).toBe(404);
  });

  it("refuses another tenant's tenant_id, an unknown model_version and bad features", async () => {
    const a = await seedTenant("embed-post-a");
    const b = await seedTenant("embed-post-b");
    const post = (body: Record<string, unknown>) =>
      call("/internal/ml/embeddings", { method: "POST", token: a.adminKey, body });
    const item = { item_id: "i1", features: { title: "x" } };
    expect((await post({ tenant_id: b.tenantId, items: [item] })).status).toBe(403);
    const version = await post({ tenant_id: a.tenantId, items: [item], model_version: "v1.2.3" });
    expect(version.status).toBe(400);
    expect(((await version.json()) as ErrorBody).error.details.field).toBe("model_version");
    const noTitle = await post({ tenant_id: a.tenantId, items: [{ item_id: "i1", features: {} }] });
    expect(((await noTitle.json()) as ErrorBody).error.details.field).toBe("items.0.features.title");
    const many = await post({ tenant_id: a.tenantId, items: Array.from({ length: 101 }, () => item) });
    expect(many.status).toBe(400);
  });
});
