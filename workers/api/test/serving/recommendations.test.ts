import { env } from "cloudflare:workers";
import type { z } from "zod";
import type {
  BulkResult,
  InternalRecommendationsResponse,
  PublicRecommendationsResponse,
  RankedProducts,
} from "@edge-ml/core/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { call, seedTenant, type ErrorBody, type SeededTenant } from "../helpers";
import { count, waitFor } from "../ingest/ingest-helpers";
import { act, get, post, sampleTenant } from "./serving-helpers";

type Ranked = z.infer<typeof RankedProducts>;
type Public = z.infer<typeof PublicRecommendationsResponse>;
type Internal = z.infer<typeof InternalRecommendationsResponse>;

let t: SeededTenant;
const category = new Map<string, string>();
const itemsOf = (c: string) => env.TEST_SAMPLE_DATA.items.filter((i) => i.category === c).map((i) => i.item_id);

beforeAll(async () => {
  t = await sampleTenant("recs");
  for (const i of env.TEST_SAMPLE_DATA.items) category.set(i.item_id, i.category);
}, 60_000);

const recs = (userId: string, body: Record<string, unknown> = {}) =>
  post<Public>(t.adminKey, "/api/v1/recommendations", { user_id: userId, ...body });

describe("recommendations over the sample catalogue", () => {
  it("a user who interacted with a category gets more of it", async () => {
    const bags = itemsOf("gear-bags");
    expect(bags.length).toBeGreaterThan(5);
    const cold = await recs("new-shopper-bags", { count: 10 });
    const share = (r: Public) => r.recommendations.filter((x) => category.get(x.item_id) === "gear-bags").length;
    await act(t, "new-shopper-bags", [
      { item_id: bags[0]!, interaction_type: "view" },
      { item_id: bags[1]!, interaction_type: "click" },
      { item_id: bags[2]!, interaction_type: "add_to_cart" },
    ]);
    const warm = await recs("new-shopper-bags", { count: 10 });
    expect(warm.status).toBe(200);
    expect(share(warm.body)).toBeGreaterThanOrEqual(6);
    expect(share(warm.body)).toBeGreaterThan(share(cold.body));
    expect(warm.body.metadata.model_version).toMatch(/^content-profile-v1\+local-hashed-ngram-idf-v1-d128$/);
  });

  it("never returns what the user bought or disliked, nor exclude_ids", async () => {
    const bags = itemsOf("gear-bags");
    await act(t, "picky-shopper", [
      { item_id: bags[0]!, interaction_type: "purchase" },
      { item_id: bags[1]!, interaction_type: "dislike" },
      { item_id: bags[2]!, interaction_type: "click" },
      { item_id: bags[3]!, interaction_type: "click" },
    ]);
    const { body } = await recs("picky-shopper", { count: 100, filters: { exclude_ids: [bags[4]!] } });
    const ids = body.recommendations.map((r) => r.item_id);
    expect(ids.length).toBeGreaterThan(20);
    expect(ids).not.toContain(bags[0]);
    expect(ids).not.toContain(bags[1]);
    expect(ids).not.toContain(bags[4]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("filters: categories keep only those, min_score drops lower scores, count bounds the list", async () => {
    const only = await recs("demo-user-5", { count: 50, filters: { categories: ["gear-watches"] } });
    expect(only.status).toBe(200);
    expect(only.body.recommendations.length).toBe(itemsOf("gear-watches").length);
    for (const r of only.body.recommendations) expect(category.get(r.item_id)).toBe("gear-watches");

    const all = await recs("demo-user-5", { count: 30 });
    expect(all.body.recommendations).toHaveLength(30);
    const cut = all.body.recommendations[9]!.score;
    const high = await recs("demo-user-5", { count: 30, filters: { min_score: cut } });
    expect(high.body.recommendations.length).toBeGreaterThanOrEqual(10);
    for (const r of high.body.recommendations) expect(r.score).toBeGreaterThanOrEqual(cut);
  });

  it("filters that match nothing give an empty list, not an error", async () => {
    const none = await recs("demo-user-5", { filters: { categories: ["no-such-category"] } });
    expect(none.status).toBe(200);
    expect(none.body.recommendations).toEqual([]);
    const high = await recs("demo-user-5", { filters: { min_score: 1 } });
    expect(high.status).toBe(200);
    expect(high.body.recommendations).toEqual([]);
  });

  it("an unknown user gets the popular items (cold start), with no embedding distance", async () => {
    const { status, body } = await post<Internal>(t.adminKey, "/internal/ml/recommendations", {
      tenant_id: t.tenantId,
      user_id: "never-seen-before",
      count: 5,
    });
    expect(status).toBe(200);
    expect(body.recommendations).toHaveLength(5);
    for (const r of body.recommendations) {
      expect(r.embedding_distance).toBeNull();
      expect(r.metadata.category).toBe(category.get(r.item_id));
      expect(Date.parse(r.metadata.created_at)).not.toBeNaN();
    }
    const top = await env.DB.prepare(
      "SELECT item_id FROM item_popularity WHERE tenant_id = ? ORDER BY score DESC LIMIT 5",
    )
      .bind(t.tenantId)
      .all<{ item_id: string }>();
    expect(body.recommendations.map((r) => r.item_id)).toEqual(top.results.map((r) => r.item_id));
  });

  it("the three routes serve the same list from one recommender", async () => {
    const a = await get<Ranked>(t.adminKey, "/recommend/demo-user-7?k=8");
    const b = await recs("demo-user-7", { count: 8 });
    const c = await post<Internal>(t.adminKey, "/internal/ml/recommendations", {
      tenant_id: t.tenantId,
      user_id: "demo-user-7",
      count: 8,
    });
    expect(a.status).toBe(200);
    expect(a.body.map((r) => [r.product_id, r.score])).toEqual(b.body.recommendations.map((r) => [r.item_id, r.score]));
    expect(c.body.recommendations.map((r) => [r.item_id, r.score])).toEqual(
      b.body.recommendations.map((r) => [r.item_id, r.score]),
    );
    for (const r of c.body.recommendations) {
      expect(r.embedding_distance).toBeGreaterThanOrEqual(0);
      expect(r.embedding_distance).toBeLessThanOrEqual(2);
    }
    expect(a.body[0]!.reason).toBeTruthy();
  });

  it("caches until the user acts: cache_hit is true only for a repeat, and a new interaction invalidates", async () => {
    const user = "cache-shopper";
    await act(t, user, [{ item_id: itemsOf("gear-bags")[0]!, interaction_type: "click" }]);
    const first = await recs(user);
    const second = await recs(user);
    expect(first.body.metadata.cache_hit).toBe(false);
    expect(second.body.metadata.cache_hit).toBe(true);
    expect(second.body.recommendations).toEqual(first.body.recommendations);
    expect(second.body.metadata.latency_ms).toBeGreaterThanOrEqual(0);

    const watches = itemsOf("gear-watches");
    await act(
      t,
      user,
      watches.slice(0, 3).map((id) => ({ item_id: id, interaction_type: "purchase" })),
    );
    const third = await recs(user);
    expect(third.body.metadata.cache_hit).toBe(false);
    expect(third.body.recommendations).not.toEqual(first.body.recommendations);
    for (const w of watches.slice(0, 3)) expect(third.body.recommendations.map((r) => r.item_id)).not.toContain(w);
  });
});

describe("a late event with an old timestamp", () => {
  it("retires the cached list: a purchase synced days later is excluded at once", async () => {
    const user = "late-sync-shopper";
    const bags = itemsOf("gear-bags");
    // 60 recent views: the newest events, which a stamp of the newest events alone would watch.
    await act(
      t,
      user,
      Array.from({ length: 60 }, (_, i) => ({ item_id: bags[i % bags.length]!, interaction_type: "view" })),
    );
    const first = await recs(user, { count: 10 });
    const top = first.body.recommendations[0]!.item_id;
    expect((await recs(user, { count: 10 })).body.metadata.cache_hit).toBe(true);
    // An offline app syncs a purchase of that item, made five days ago.
    const res = await post<z.infer<typeof BulkResult>>(t.adminKey, "/internal/data/interactions", {
      tenant_id: t.tenantId,
      interactions: [
        {
          user_id: user,
          item_id: top,
          interaction_type: "purchase",
          timestamp: new Date(Date.now() - 5 * 86_400_000).toISOString(),
        },
      ],
    });
    expect(res.body.accepted).toBe(1);
    await waitFor(
      () =>
        count(
          "SELECT count(*) AS n FROM user_items WHERE tenant_id = ? AND user_id = ? AND item_id = ? AND (types & 4) != 0",
          t.tenantId,
          user,
          top,
        ),
      (n) => n === 1,
    );
    const after = await recs(user, { count: 10 });
    expect(after.body.metadata.cache_hit).toBe(false);
    expect(after.body.recommendations.map((r) => r.item_id)).not.toContain(top);
  });
});

describe("a changed consumed policy", () => {
  it("retires cached lists made under the old one", async () => {
    const user = "policy-shopper";
    const tees = itemsOf("men-tops-tees");
    await act(
      t,
      user,
      tees.slice(0, 4).map((id) => ({ item_id: id, interaction_type: "view" })),
    );
    const before = await recs(user, { count: 20 });
    const viewed = before.body.recommendations.map((r) => r.item_id).filter((id) => tees.slice(0, 4).includes(id));
    expect(viewed.length).toBeGreaterThan(0);
    expect((await recs(user, { count: 20 })).body.metadata.cache_hit).toBe(true);
    const patch = (types: string[]) =>
      call("/api/v1/tenant/settings", {
        method: "PATCH",
        token: t.adminKey,
        body: { consumed_interaction_types: types },
      });
    expect((await patch(["purchase", "dislike", "view"])).status).toBe(200);
    try {
      const after = await recs(user, { count: 20 });
      expect(after.body.metadata.cache_hit).toBe(false);
      for (const id of viewed) expect(after.body.recommendations.map((r) => r.item_id)).not.toContain(id);
    } finally {
      expect((await patch(["purchase", "dislike"])).status).toBe(200);
    }
  });
});

describe("bad input and tenancy", () => {
  it.each([
    [{ user_id: "u1", count: 0 }, "count", "at least 1"],
    [{ user_id: "u1", count: 101 }, "count", "at most 100"],
    [{ user_id: "bad id" }, "user_id", "letters, digits"],
    [{}, "user_id", "user_id is required"],
    [{ user_id: "u1", filters: { min_score: 2 } }, "filters.min_score", "between 0 and 1"],
    [{ user_id: "u1", filters: { categories: ["Not Lowercase"] } }, "filters.categories.0", "lowercase"],
    [{ user_id: "u1", context: { device_type: "fridge" } }, "context.device_type", "mobile, desktop, tablet"],
  ])("POST /api/v1/recommendations %j -> 400 on %s", async (body, field, message) => {
    const { status, body: err } = await post<ErrorBody>(t.adminKey, "/api/v1/recommendations", body);
    expect(status).toBe(400);
    expect(err.error.code).toBe("VALIDATION_ERROR");
    expect(err.error.details.field).toBe(field);
    expect(err.error.message).toContain(message);
  });

  it("GET /recommend refuses k out of range", async () => {
    for (const k of ["0", "101", "x"]) {
      const { status, body } = await get<ErrorBody>(t.adminKey, `/recommend/u1?k=${k}`);
      expect(status).toBe(400);
      expect(body.error.details.field).toBe("k");
    }
  });

  it("internal route: tenant_id must be the credential's (403), an unknown model_version is 400", async () => {
    const other = await seedTenant("recs-other");
    const forged = await post<ErrorBody>(other.adminKey, "/internal/ml/recommendations", {
      tenant_id: t.tenantId,
      user_id: "demo-user-1",
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.details.field).toBe("tenant_id");
    const version = await post<ErrorBody>(t.adminKey, "/internal/ml/recommendations", {
      tenant_id: t.tenantId,
      user_id: "demo-user-1",
      model_version: "v9.9.9",
    });
    expect(version.status).toBe(400);
    expect(version.body.error.details.field).toBe("model_version");
  });

  it("another tenant's users and items stay invisible: same user id, nothing of this tenant's", async () => {
    const other = await seedTenant("recs-isolated");
    await post(other.adminKey, "/internal/data/items", {
      tenant_id: other.tenantId,
      items: [{ item_id: "own-1", title: "A thing of the other tenant" }],
    });
    const { body } = await post<Public>(other.adminKey, "/api/v1/recommendations", {
      user_id: "demo-user-7",
      count: 100,
    });
    const mine = new Set(env.TEST_SAMPLE_DATA.items.map((i) => i.item_id));
    expect(body.recommendations.filter((r) => mine.has(r.item_id))).toEqual([]);
  });
});
