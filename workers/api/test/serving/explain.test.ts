import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { PublicRecommendationsResponse, RankedProducts, RankingExplanation } from "@edge-ml/core/schemas";
import { createApiKey } from "../../src/access/services/api-keys";
import { getDb } from "../../src/lib/db";
import { env } from "cloudflare:workers";
import { seedTenant, type ErrorBody, type SeededTenant } from "../helpers";
import { act, get, post, sampleTenant } from "./serving-helpers";

// The response types are the api's own schemas (core/schemas/serving.ts), never copies.
type Ranked = z.infer<typeof RankedProducts>;
type Explanation = z.infer<typeof RankingExplanation>;
type Public = z.infer<typeof PublicRecommendationsResponse>;

const sum = (e: Explanation) =>
  e.weights[0]! * e.breakdown.search_score +
  e.weights[1]! * e.breakdown.cf_score +
  e.weights[2]! * e.breakdown.popularity_score +
  e.weights[3]! * e.breakdown.freshness_score;

let t: SeededTenant;
beforeAll(async () => {
  t = await sampleTenant("explain");
}, 60_000);

describe("GET /search/explain", () => {
  it.each([["backpack"], ["Joust Duffle Bag"], ["water bottle for the gym"]])(
    "reproduces the served score and rank of every result for %j",
    async (q) => {
      const served = await get<Ranked>(t.adminKey, `/search?q=${encodeURIComponent(q)}&k=10`);
      expect(served.body.length).toBeGreaterThan(0);
      for (const [i, r] of served.body.entries()) {
        const { status, body } = await get<Explanation>(
          t.adminKey,
          `/search/explain?q=${encodeURIComponent(q)}&product_id=${r.product_id}`,
        );
        expect(status).toBe(200);
        expect(body.final_score).toBe(r.score);
        expect(body.rank).toBe(i + 1);
        expect(sum(body)).toBeCloseTo(body.final_score, 12);
        expect(body.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(body.explanation.length).toBeGreaterThan(5);
      }
    },
  );

  it("uses the contract's weights when every signal is present", async () => {
    const { body } = await get<Explanation>(t.adminKey, `/search/explain?q=bag&product_id=24-MB01&user_id=demo-user-2`);
    expect(body.weights.map((w) => Number(w.toFixed(12)))).toEqual([0.4, 0.3, 0.2, 0.1]);
    expect(body.breakdown.cf_score).toBeGreaterThan(0);
  });

  it("explains an item that search did not return: its rank is below every served result", async () => {
    const q = encodeURIComponent("water bottle");
    const served = await get<Ranked>(t.adminKey, `/search?q=${q}&k=10`);
    expect(served.body.map((r) => r.product_id)).not.toContain("MJ12");
    const { status, body } = await get<Explanation>(t.adminKey, `/search/explain?q=${q}&product_id=MJ12`);
    expect(status).toBe(200);
    expect(body.rank).toBeGreaterThan(10);
    expect(body.final_score).toBeLessThan(served.body.at(-1)!.score);
    expect(sum(body)).toBeCloseTo(body.final_score, 12);
  });

  it("404 for an unknown product; 400 without q", async () => {
    expect((await get<ErrorBody>(t.adminKey, `/search/explain?q=bag&product_id=no-such-item`)).status).toBe(404);
    const missing = await get<ErrorBody>(t.adminKey, `/search/explain?product_id=24-MB01`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe("q");
  });
});

describe("GET /debug/ranking/{product_id} (admin)", () => {
  it("without a query explains the user's recommendations with the served score and rank", async () => {
    const served = await post<Public>(t.adminKey, "/api/v1/recommendations", { user_id: "demo-user-9", count: 5 });
    for (const [i, r] of served.body.recommendations.entries()) {
      const { status, body } = await get<Explanation>(t.adminKey, `/debug/ranking/${r.item_id}?user_id=demo-user-9`);
      expect(status).toBe(200);
      expect(body.final_score).toBe(r.score);
      expect(body.rank).toBe(i + 1);
      expect(body.breakdown.search_score).toBe(0);
      expect(body.weights[0]).toBe(0);
      expect(sum(body)).toBeCloseTo(body.final_score, 12);
    }
  });

  it("says why a bought item is not served (rank null)", async () => {
    await act(t, "debug-buyer", [{ item_id: "24-MB01", interaction_type: "purchase" }]);
    const { body } = await get<Explanation>(t.adminKey, `/debug/ranking/24-MB01?user_id=debug-buyer`);
    expect(body.rank).toBeNull();
    expect(body.explanation).toContain("already bought");
  });

  it("with a query equals /search/explain", async () => {
    const a = await get<Explanation>(t.adminKey, `/debug/ranking/24-MB01?query=bag`);
    const b = await get<Explanation>(t.adminKey, `/search/explain?q=bag&product_id=24-MB01`);
    expect(a.body).toEqual(b.body);
  });

  it("is admin-only, needs a query or a user, and hides other tenants' products", async () => {
    const key = await createApiKey(
      getDb(env.DB),
      t.tenantId,
      {
        name: "dev",
        permissions: ["read", "write"],
        environment: "test",
        rate_limit_search: 1000,
        rate_limit_recommend: 500,
      },
      t.adminUserId,
    );
    expect((await get<ErrorBody>(key.secret, `/debug/ranking/24-MB01?query=bag`)).status).toBe(403);
    const none = await get<ErrorBody>(t.adminKey, `/debug/ranking/24-MB01`);
    expect(none.status).toBe(400);
    const other = await seedTenant("explain-other");
    expect((await get<ErrorBody>(other.adminKey, `/debug/ranking/24-MB01?query=bag`)).status).toBe(404);
  });
});
