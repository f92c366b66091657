import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SeededTenant } from "../helpers";
import { act, sampleTenant } from "./serving-helpers";
import { recentHistory } from "../../src/serving/services/catalog-reads";
import { deployedRecommender, servingContext, type ServingContext } from "../../src/serving/services/context";
import { searchRetrievals } from "../../src/serving/services/search-candidates";
import { searchRanking } from "../../src/serving/services/search-ranking";
import { resultsOf, serveSearch, type SearchResult } from "../../src/serving/services/serve-search";

let t: SeededTenant;
beforeAll(async () => {
  t = await sampleTenant("search-personal");
}, 60_000);

/**
 * Serving's cache is compared with a full ranking made in the same state: the clock is
 * pinned to the moment the query was first retrieved, so the candidates are still fresh
 * (no background refresh retrieves) and both read the same per-isolate facts and popularity.
 */
let pinned = 0;
async function atPinnedClock<T>(f: () => Promise<T>): Promise<T> {
  const clock = vi.spyOn(Date, "now").mockReturnValue(pinned);
  try {
    return await f();
  } finally {
    clock.mockRestore();
  }
}

const noWait = () => {};
const served = (ctx: ServingContext, q: string, user?: string) =>
  atPinnedClock(() => serveSearch(ctx, q, 100, user, noWait));

/** The ranking with every cache of search bypassed: retrieval, the user's affinity, the blend. */
async function fullRanking(ctx: ServingContext, q: string, userId: string): Promise<SearchResult[]> {
  return atPinnedClock(async () => {
    const [model, history] = await Promise.all([deployedRecommender(ctx), recentHistory(ctx.db, ctx.tenantId, userId)]);
    return resultsOf(searchRanking(ctx, q, { userId, model, history }));
  });
}

function expectSameRanking(got: SearchResult[], want: SearchResult[]) {
  expect(got.map((r) => r.productId)).toEqual(want.map((r) => r.productId));
  got.forEach((r, i) => expect(r.score).toBeCloseTo(want[i]!.score, 12));
  expect(got.map((r) => r.reason)).toEqual(want.map((r) => r.reason));
}

const retrievals = () => ({ ...searchRetrievals });

describe("personalized search on the query's cached candidates", () => {
  it("re-ranks a cached query for a user without retrieving, exactly as a full ranking, also after an interaction", async () => {
    const ctx = servingContext(env, t.tenantId);
    const q = "comfortable for training";
    const user = "demo-user-3";
    pinned = Date.now();

    const before = retrievals();
    const anon = await served(ctx, q);
    expect(anon.cacheHit).toBe(false);
    expect(retrievals()).toEqual({ keyword: before.keyword + 1, vector: before.vector + 1 });

    const cached = retrievals();
    const mine = await served(ctx, q, user);
    expect(retrievals()).toEqual(cached);
    expect(mine.cacheHit).toBe(false); // the user's part was ranked for this request
    const full = await fullRanking(ctx, q, user);
    // The bypass did retrieve: the counter sees the retrieval code, not the cache.
    expect(retrievals()).toEqual({ keyword: cached.keyword + 1, vector: cached.vector + 1 });
    expectSameRanking(mine.results, full);
    // Personalization happened: the user's ranking is not the anonymous one.
    expect(mine.results.map((r) => r.score)).not.toEqual(anon.results.map((r) => r.score));

    // A repeat is answered whole from the user's entry.
    const again = await served(ctx, q, user);
    expect(again.cacheHit).toBe(true);
    expectSameRanking(again.results, full);

    // An item of the results the user had not touched: buying it moves their affinity.
    const touched = new Set((await recentHistory(ctx.db, ctx.tenantId, user)).map((e) => e.itemId));
    const bought = full.map((r) => r.productId).find((id) => !touched.has(id))!;
    await act(t, user, [
      { item_id: bought, interaction_type: "purchase" },
      { item_id: bought, interaction_type: "add_to_cart" },
    ]);

    const stillCached = retrievals();
    const after = await served(ctx, q, user);
    expect(retrievals()).toEqual(stillCached);
    expect(after.cacheHit).toBe(false);
    expectSameRanking(after.results, await fullRanking(ctx, q, user));
    // The new affinity shows: the ranking is not the one before the interaction.
    expect(after.results.map((r) => r.score)).not.toEqual(mine.results.map((r) => r.score));

    // The anonymous results of the query are untouched by the user's interaction.
    const anonAfter = await served(ctx, q);
    expect(anonAfter.cacheHit).toBe(true);
    expect(anonAfter.results).toEqual(anon.results);
  }, 60_000);

  it("shares a query's candidates across users, each ranked as their own full ranking", async () => {
    const ctx = servingContext(env, t.tenantId);
    const q = "lightweight running shoes";
    pinned = Date.now();
    await served(ctx, q);
    for (const user of ["demo-user-1", "demo-user-2", "demo-user-5", "nobody-knows-me"]) {
      const before = retrievals();
      const mine = await served(ctx, q, user);
      expect(retrievals()).toEqual(before);
      expectSameRanking(mine.results, await fullRanking(ctx, q, user));
    }
  }, 60_000);

  it("retrieves a query once when its first requests arrive together, and each is ranked as a full ranking", async () => {
    const ctx = servingContext(env, t.tenantId);
    const q = "warm jacket for the cold";
    pinned = Date.now();
    const users = [undefined, "demo-user-1", undefined, "demo-user-2", "demo-user-5", undefined];
    const before = retrievals();
    // Concurrent first misses, as a cold isolate sees them: one retrieves, the rest wait for it.
    const answers = await atPinnedClock(() => Promise.all(users.map((u) => serveSearch(ctx, q, 100, u, noWait))));
    expect(retrievals()).toEqual({ keyword: before.keyword + 1, vector: before.vector + 1 });
    expect(answers.filter((a, i) => users[i] === undefined && !a.cacheHit)).toHaveLength(1);
    const anon = answers[0]!.results;
    expect(anon.length).toBeGreaterThan(0);
    for (const [i, u] of users.entries()) {
      if (u === undefined) expect(answers[i]!.results).toEqual(anon);
      else expectSameRanking(answers[i]!.results, await fullRanking(ctx, q, u));
    }
  }, 60_000);
});
