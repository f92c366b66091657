import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import {
  STORED_LIST_MAX_AGE_MS,
  STORED_LIST_SIZE,
  USER_HISTORY_LIMIT,
  type PublicRecommendationsResponse,
  type RankedProducts,
} from "@edge-ml/core/schemas";
import type { RefreshMessage } from "@edge-ml/core/recommend/refresh-message";
import worker from "../../src/index";
import { SCORING_CLOCK_MS, servingContext } from "../../src/serving/services/context";
import { recentHistory } from "../../src/serving/services/catalog-reads";
import { historyStamp } from "../../src/serving/services/recommendation-cache";
import { serveRecommendations } from "../../src/serving/services/serve-recommendations";
import { stampAndStoredList, servedFromStored, storedItems } from "../../src/serving/services/stored-lists";
import { call, seedTenant, type SeededTenant } from "../helpers";
import { count, waitFor } from "../ingest/ingest-helpers";
import { act, clientIp, post, sampleTenant } from "./serving-helpers";

// The response types are the api's own schemas (core/schemas/serving.ts), never copies.
type Ranked = z.infer<typeof RankedProducts>;
type Public = z.infer<typeof PublicRecommendationsResponse>;

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

  it("is served for STORED_LIST_MAX_AGE_MS, across the turn of the hour, and not after", async () => {
    const user = "stored-shopper-4";
    await act(t, user, [{ item_id: bags()[4]!, interaction_type: "click" }]);
    await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user] });
    const { stored } = await stampAndStoredList(env.DB, t.tenantId, user);
    const made = stored!.computedAt;
    const want = { key: stored!.key, stamp: stored!.stamp, count: 10, minScore: undefined };
    expect(servedFromStored(stored, { ...want, nowMs: made + STORED_LIST_MAX_AGE_MS })).toHaveLength(10);
    expect(servedFromStored(stored, { ...want, nowMs: made + STORED_LIST_MAX_AGE_MS + 1 })).toBeUndefined();
    expect(servedFromStored(stored, { ...want, stamp: "another history", nowMs: made })).toBeUndefined();
    expect(servedFromStored(stored, { ...want, key: "another model", nowMs: made })).toBeUndefined();

    // Through serving: a list made just before the hour turned is still served after it (no
    // hourly expiry of every list at once), and ranks once too old.
    const hourStart = Math.floor(made / SCORING_CLOCK_MS) * SCORING_CLOCK_MS;
    await env.DB.prepare("UPDATE recommendation_lists SET computed_at = ? WHERE tenant_id = ? AND user_id = ?")
      .bind(hourStart - 60_000, t.tenantId, user)
      .run();
    const writes: Promise<unknown>[] = [];
    const clock = vi.spyOn(Date, "now");
    const serve = (nowMs: number) => {
      clock.mockReturnValue(nowMs);
      return serveRecommendations(servingContext(env, t.tenantId), user, {}, 10, (p) => writes.push(p));
    };
    try {
      const afterHour = await serve(hourStart + 60_000);
      expect(afterHour.cacheLayer).toBe("stored");
      expect(afterHour.items.map((i) => i.itemId)).toEqual(
        storedItems(stored!)
          .items.slice(0, 10)
          .map((i) => i.itemId),
      );
      const tooOld = await serve(hourStart - 60_000 + STORED_LIST_MAX_AGE_MS + 1000);
      expect(tooOld.cacheHit).toBe(false);
    } finally {
      clock.mockRestore();
    }
    await Promise.all(writes);
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
    const { stored } = await stampAndStoredList(env.DB, t.tenantId, user);
    expect(
      storedItems(stored!)
        .items.slice(0, 5)
        .map((i) => [i.itemId, i.score, i.reason]),
    ).toEqual(served.body.map((r) => [r.product_id, r.score, r.reason]));
  });

  it("reads the history's stamp in D1 and the list's head: the same as from the whole history and list", async () => {
    const user = "stored-shopper-7";
    // More events than recentHistory reads.
    const ids = bags();
    await act(
      t,
      user,
      Array.from({ length: USER_HISTORY_LIMIT + 5 }, (_, i) => ({
        item_id: ids[i % ids.length]!,
        interaction_type: i % 3 === 0 ? "click" : "view",
      })),
    );
    await refresh({ v: 1, tenant_id: t.tenantId, user_ids: [user] });
    for (const who of [user, "stored-shopper-1", "nobody-at-all"]) {
      const whole = historyStamp(await recentHistory(env.DB, t.tenantId, who));
      const read = await stampAndStoredList(env.DB, t.tenantId, who, 10);
      expect(read.stamp).toBe(whole);
    }
    const full = await stampAndStoredList(env.DB, t.tenantId, user);
    const head = await stampAndStoredList(env.DB, t.tenantId, user, 7);
    const all = storedItems(full.stored!);
    expect(all.items.length).toBeGreaterThan(7);
    expect(storedItems(head.stored!)).toEqual({ complete: all.complete, items: all.items.slice(0, 7) });
    expect({ ...head.stored!, packed: "" }).toEqual({ ...full.stored!, packed: "" });
  });

  it("the consumer drops a malformed message and acknowledges it", async () => {
    const result = await refresh({ v: 2, tenant_id: t.tenantId });
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
  });
});
