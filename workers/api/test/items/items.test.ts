import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type {
  InternalRecommendationsResponse,
  PublicRecommendationsResponse,
  ServedProducts,
} from "@edge-ml/core/schemas";
import { getDb } from "../../src/lib/db";
import { createApiKey } from "../../src/access/services/api-keys";
import type { StoredItem } from "../../src/serving/items/items.routes";
import { seedTenant, type ErrorBody, type SeededTenant } from "../helpers";
import { waitFor } from "../ingest/ingest-helpers";
import { get, post, waitForVectors } from "../serving/serving-helpers";

// The response types are the api's own schemas, never copies.
type Item = z.infer<typeof StoredItem>;
type Served = z.infer<typeof ServedProducts>;
type Public = z.infer<typeof PublicRecommendationsResponse>;
type Internal = z.infer<typeof InternalRecommendationsResponse>;

const CATALOGUE = [
  {
    item_id: "duffle-1",
    title: "Joust Duffle Bag",
    description: "A roomy duffle bag for the gym and travel",
    category: "gear-bags",
    tags: ["gym", "travel"],
    metadata: { brand: "Joust", price_cents: 3400 },
    created_at: "2026-01-02T03:04:05Z",
  },
  { item_id: "duffle-2", title: "Overnight Duffle", description: "Travel duffle with a shoulder strap" },
  { item_id: "pant-1", title: "Aether Gym Pant", category: "men-bottoms-pants" },
];
const byId = new Map(CATALOGUE.map((i) => [i.item_id, i]));

let t: SeededTenant;
let other: SeededTenant;
beforeAll(async () => {
  [t, other] = await Promise.all([seedTenant("items"), seedTenant("items-other")]);
  const up = await post(t.adminKey, "/api/v1/items", { items: CATALOGUE });
  expect(up.status).toBe(202);
  // The other tenant has an item of the same id: reads must never cross over.
  await post(other.adminKey, "/api/v1/items", { items: [{ item_id: "pant-1", title: "Other tenant's pant" }] });
  await waitForVectors(t.tenantId, CATALOGUE.length);
  await waitFor(
    () => get<Item>(other.adminKey, "/api/v1/items/pant-1"),
    (r) => r.status === 200,
  );
});

describe("GET /api/v1/items/{item_id}", () => {
  it("answers the item as ingested, every field, with defaults for those the upload left out", async () => {
    const full = await get<Item>(t.adminKey, "/api/v1/items/duffle-1");
    expect(full.status).toBe(200);
    const { created_at, updated_at, ...fields } = full.body;
    expect(fields).toEqual({
      item_id: "duffle-1",
      title: "Joust Duffle Bag",
      description: "A roomy duffle bag for the gym and travel",
      category: "gear-bags",
      tags: ["gym", "travel"],
      metadata: { brand: "Joust", price_cents: 3400 },
    });
    expect(new Date(created_at).toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(Number.isNaN(Date.parse(updated_at))).toBe(false);

    const bare = await get<Item>(t.adminKey, "/api/v1/items/duffle-2");
    expect(bare.body).toMatchObject({ title: "Overnight Duffle", category: null, tags: [], metadata: {} });
  });

  it("is tenant scoped: each tenant reads its own item of an id, and another tenant's only item is 404", async () => {
    expect((await get<Item>(t.adminKey, "/api/v1/items/pant-1")).body.title).toBe("Aether Gym Pant");
    expect((await get<Item>(other.adminKey, "/api/v1/items/pant-1")).body.title).toBe("Other tenant's pant");
    const cross = await get<ErrorBody>(other.adminKey, "/api/v1/items/duffle-1");
    expect(cross.status).toBe(404);
    expect(cross.body.error).toMatchObject({ code: "NOT_FOUND", message: "Item not found" });
    expect((await get<ErrorBody>(t.adminKey, "/api/v1/items/no-such-item")).status).toBe(404);
  });

  it("400 with field item_id for a malformed id", async () => {
    for (const id of ["bad%20id", "x".repeat(129), "semi%3Bcolon"]) {
      const res = await get<ErrorBody>(t.adminKey, `/api/v1/items/${id}`);
      expect(res.status, id).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details.field).toBe("item_id");
    }
  });

  it("needs the read permission, as every item read does", async () => {
    const writeOnly = await createApiKey(
      getDb(env.DB),
      t.tenantId,
      {
        name: "writer",
        permissions: ["write"],
        environment: "test",
        rate_limit_search: 100,
        rate_limit_recommend: 100,
      },
      t.adminUserId,
    );
    const res = await get<ErrorBody>(writeOnly.secret, "/api/v1/items/duffle-1");
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await get<ErrorBody>("sk_test_not-a-key", "/api/v1/items/duffle-1")).status).toBe(401);
  });
});

/** Each result's title and category are the catalogue's for its id. */
function expectTitled<R extends { title?: string; category?: string | null }>(results: R[], idOf: (r: R) => string) {
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) {
    const item = byId.get(idOf(r))!;
    expect(r.title).toBe(item.title);
    expect(r.category).toBe(item.category ?? null);
  }
}

/** The default shape: the contract's fields only (title and category come with include=item alone). */
function expectOnlyKeys(results: object[], allowed: string[]) {
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) expect(Object.keys(r).filter((k) => !allowed.includes(k))).toEqual([]);
}

const withInclude = (path: string) => `${path}${path.includes("?") ? "&" : "?"}include=item`;

describe("include=item", () => {
  it.each(["/search?q=duffle%20bag&k=5", "/recommend/cold-user?k=3"])(
    "GET %s: adds title and category to each result, in the same order; absent by default",
    async (path) => {
      const plain = await get<Served>(t.adminKey, path);
      const titled = await get<Served>(t.adminKey, withInclude(path));
      expect(titled.status).toBe(200);
      expect(titled.body.map((r) => r.product_id)).toEqual(plain.body.map((r) => r.product_id));
      expectTitled(titled.body, (r) => r.product_id);
      expectOnlyKeys(plain.body, ["product_id", "score", "reason"]);
    },
  );

  it("POST /api/v1/recommendations and /internal/ml/recommendations: adds title and category; absent by default", async () => {
    const body = { user_id: "cold-user", count: 3 };
    const plain = await post<Public>(t.adminKey, "/api/v1/recommendations", body);
    const titled = await post<Public>(t.adminKey, withInclude("/api/v1/recommendations"), body);
    expect(titled.status).toBe(200);
    expectTitled(titled.body.recommendations, (r) => r.item_id);
    expectOnlyKeys(plain.body.recommendations, ["item_id", "score"]);

    const internal = { ...body, tenant_id: t.tenantId };
    const iPlain = await post<Internal>(t.adminKey, "/internal/ml/recommendations", internal);
    const iTitled = await post<Internal>(t.adminKey, withInclude("/internal/ml/recommendations"), internal);
    expect(iTitled.status).toBe(200);
    expectTitled(iTitled.body.recommendations, (r) => r.item_id);
    expectOnlyKeys(iPlain.body.recommendations, ["item_id", "score", "embedding_distance", "metadata"]);
  });

  it("an unknown include value is a 400 with field include, on every route", async () => {
    const refusals = await Promise.all([
      get<ErrorBody>(t.adminKey, "/search?q=bag&include=items"),
      get<ErrorBody>(t.adminKey, "/recommend/u1?include=title"),
      get<ErrorBody>(t.adminKey, "/search?q=bag&include=item&include=item"),
      post<ErrorBody>(t.adminKey, "/api/v1/recommendations?include=", { user_id: "u1" }),
      post<ErrorBody>(t.adminKey, "/internal/ml/recommendations?include=all", { user_id: "u1", tenant_id: t.tenantId }),
    ]);
    for (const r of refusals) {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("VALIDATION_ERROR");
      expect(r.body.error.details.field).toBe("include");
    }
  });
});
