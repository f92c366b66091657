import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { STORED_LIST_MAX_AGE_MS, STORED_LIST_SIZE } from "@edge-ml/core/schemas";
import type { RefreshMessage } from "@edge-ml/core/recommend/refresh-message";
import worker from "../src/index";
import { servingContext } from "../src/services/serving/context";
import { serveRecommendations } from "../src/services/serving/serve-recommendations";
import { historyAndStoredList, servedFromStored } from "../src/services/serving/stored-lists";
import { call, seedTenant, type SeededTenant } from "./helpers";
import { count, waitFor } from "./ingest-helpers";
import { act, clientIp, post, sampleTenant } from "./serving-helpers";

type Ranked = { product_id: string; score: number; reason: string }[];
type Public = {
  recommendations: { item_id: string; score: number }[];
  metadata: { cache_hit: boolean };
};

let t: SeededTenant;
const bags = () => env.TEST_SAMPLE_DATA.items.filter((i) => i.category === "gear-bags").map((i) => i.item_id);
const watches = () => env.TEST_SAMPLE_DATA.items.filter((i) => i.category === "gear-watches").map((i) => i.item_id);

beforeAll(async () => {
  t = await sampleTenant("stored-lists");
}, 60_000);

/** Runs the api's real edge-ml-refresh consumer on one message, as the queue would. */
async function refresh(body: RefreshMessage | unknown) {
  const batch = createMessageBatch("edge-ml-refresh", [{ id: "m1", timestamp: Date.now(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue!(batch as MessageBatch<unknown>, env, ctx);
  return getQueueResult(batch, ctx);
}

async function recommend(token: string, userId: string, k = 10) {
  const res = await call(`/recommend/${userId}?k=${k}`, { token, headers: { "cf-connecting-ip": clientIp() } });
  return {
    status: res.status,
    cache: res.headers.get("X-Cache"),
    layer: res.headers.get("X-Cache-Layer"),
    body: (await res.json()) as Ranked,
  };
}

/** A ranking made now (exclude_ids is not the default list: neither cache nor store applies). */
async function freshRanking(userId: string, count = 10) {
  const res = await post<Public>(t.adminKey, "/api/v1/recommendations", {
    user_id: userId,
    count,
    filters: { exclude_ids: ["no-such-item"] },
  });
  expect(res.body.metadata.cache_hit).toBe(false);
  return res.body.recommendations.map((r) => [r.item_id, r.score]);
}

const storedRows = (userId: string, tenantId = t.tenantId) =>
  count("SELECT count(*) AS n FROM recommendation_lists WHERE tenant_id = ? AND user_id = ?", tenantId, userId);

describe("stored recommendation lists", () => {
  it("the refresh consumer stores a user's list; their first request is served from it, equal to a fresh ranking", async () => {
    const user = "stored-shopper-1";
    await act(t, user, [
      { item_id: bags()[0]!, interaction_type: "click" },
      { item_id: bags()[1]!, interaction_type: "add_to_cart" },
    ]);
    const result = await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user, "never-acted"] });
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(await storedRows(user)).toBe(1);
    expect(await storedRows("never-acted")).toBe(0); // no history, no row

    const first = await recommend(t.adminKey, user);
    expect(first.status).toBe(200);
    expect([first.cache, first.layer]).toEqual(["HIT", "stored"]);
    expect(first.body.map((r) => [r.product_id, r.score])).toEqual(await freshRanking(user));
    expect(first.body[0]!.reason).toBeTruthy();
  });

  it("is not served once the user acts again: the request ranks, with the new event", async () => {
    const user = "stored-shopper-2";
    await act(t, user, [{ item_id: bags()[2]!, interaction_type: "click" }]);
    await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user] });
    const bought = watches().slice(0, 2);
    await act(
      t,
      user,
      bought.map((id) => ({ item_id: id, interaction_type: "purchase" })),
    );
    const after = await recommend(t.adminKey, user);
    expect([after.cache, after.layer]).toEqual(["MISS", null]);
    for (const id of bought) expect(after.body.map((r) => r.product_id)).not.toContain(id);
  });

  it("never crosses tenants: the same user id in another tenant ranks its own (empty) catalogue", async () => {
    const user = "stored-shopper-3";
    await act(t, user, [{ item_id: bags()[3]!, interaction_type: "like" }]);
    await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user] });
    const other = await seedTenant("stored-lists-other");
    const res = await recommend(other.adminKey, user);
    expect(res.status).toBe(200);
    expect([res.cache, res.layer]).toEqual(["MISS", null]);
    expect(res.body).toEqual([]);
    expect(await storedRows(user, other.tenantId)).toBe(0);
  });

  it("expires with the scoring hour and after STORED_LIST_MAX_AGE_MS", async () => {
    const user = "stored-shopper-4";
    await act(t, user, [{ item_id: bags()[4]!, interaction_type: "click" }]);
    await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user] });
    const row = await env.DB.prepare(
      "SELECT scoring_clock, computed_at FROM recommendation_lists WHERE tenant_id = ? AND user_id = ?",
    )
      .bind(t.tenantId, user)
      .first<{ scoring_clock: number; computed_at: number }>();
    const writes: Promise<unknown>[] = [];
    const serve = (nowMs: number) =>
      serveRecommendations({ ...servingContext(env, t.tenantId), nowMs }, user, {}, 10, (p) => writes.push(p));
    const clock = vi.spyOn(Date, "now");
    try {
      // Same hour, young enough: served from the store (this isolate has not ranked for the user).
      clock.mockReturnValue(row!.computed_at + 1000);
      expect((await serve(row!.scoring_clock)).cacheLayer).toBe("stored");
      // Same scoring hour, but older than the limit: ranks.
      clock.mockReturnValue(row!.computed_at + STORED_LIST_MAX_AGE_MS + 1000);
      const old = await serve(row!.scoring_clock);
      expect(old.cacheHit).toBe(false);
    } finally {
      clock.mockRestore();
    }
    await Promise.all(writes);
    // A later scoring hour (the isolate now holds the ranking above under the same key, so
    // the store's answer is asked directly).
    const { stored } = await historyAndStoredList(env.DB, t.tenantId, user);
    const want = { key: stored!.key, stamp: stored!.stamp, count: 10, minScore: undefined };
    expect(servedFromStored(stored, { ...want, scoringClock: stored!.scoringClock, nowMs: Date.now() })).toHaveLength(
      10,
    );
    expect(
      servedFromStored(stored, { ...want, scoringClock: stored!.scoringClock + 3_600_000, nowMs: Date.now() }),
    ).toBeUndefined();
  });

  it(`keeps the best ${STORED_LIST_SIZE}: a larger count ranks, a min_score cut inside them is served`, async () => {
    const user = "stored-shopper-5";
    await act(t, user, [{ item_id: bags()[5]!, interaction_type: "click" }]);
    await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user] });
    const ctx = servingContext(env, t.tenantId);
    const writes: Promise<unknown>[] = [];
    const none = (p: Promise<unknown>) => void writes.push(p);
    const list = await serveRecommendations(ctx, user, {}, STORED_LIST_SIZE, none);
    expect(list.cacheLayer).toBe("stored");
    expect(list.items).toHaveLength(STORED_LIST_SIZE);
    const minScore = list.items[20]!.score;
    const cut = await serveRecommendations(ctx, user, { min_score: minScore }, 100, none);
    expect(cut.cacheLayer).toBe("stored");
    expect(cut.items.every((i) => i.score >= minScore)).toBe(true);
    expect(cut.items.length).toBeGreaterThanOrEqual(21);
    const more = await serveRecommendations(ctx, user, {}, STORED_LIST_SIZE + 10, none);
    expect(more.cacheHit).toBe(false);
    expect(more.items).toHaveLength(STORED_LIST_SIZE + 10);
    expect(more.items.slice(0, STORED_LIST_SIZE)).toEqual(list.items);
    await Promise.all(writes);
  });

  it("a request that had to rank stores its list for the other isolates", async () => {
    const user = "stored-shopper-6";
    await act(t, user, [{ item_id: bags()[6]!, interaction_type: "click" }]);
    const served = await recommend(t.adminKey, user, 5);
    expect(served.cache).toBe("MISS");
    await waitFor(
      () => storedRows(user),
      (n) => n === 1,
    );
    const { stored } = await historyAndStoredList(env.DB, t.tenantId, user);
    expect(stored!.items.slice(0, 5).map((i) => [i.itemId, i.score, i.reason])).toEqual(
      served.body.map((r) => [r.product_id, r.score, r.reason]),
    );
  });

  it("the consumer drops a malformed message and acknowledges it", async () => {
    const result = await refresh({ v: 2, tenant_id: t.tenantId });
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });
});
