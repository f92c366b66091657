import { env } from "cloudflare:workers";
import type { z } from "zod";
import type { RankedProducts } from "@edge-ml/core/schemas";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SeededTenant } from "../helpers";
import { call, type ErrorBody } from "../helpers";
import { act, get, post, sampleTenant, waitForVectors } from "./serving-helpers";
import { seedTenant } from "../helpers";
import { keywordMatches, keywordMatchOf } from "../../src/serving/services/catalog-reads";
import { servingContext } from "../../src/serving/services/context";
import { SEARCH_CACHE_FRESH_MS, SEARCH_CACHE_STALE_MS, serveSearch } from "../../src/serving/services/serve-search";

type Ranked = z.infer<typeof RankedProducts>;

let t: SeededTenant;
beforeAll(async () => {
  t = await sampleTenant("search");
}, 60_000);

describe("GET /search on the sample catalogue", () => {
  it("ranks the item named exactly as the query first, for every title in the catalogue", async () => {
    const { items } = env.TEST_SAMPLE_DATA;
    const byTitle = new Map<string, Set<string>>();
    for (const it of items) byTitle.set(it.title, (byTitle.get(it.title) ?? new Set()).add(it.item_id));
    const misses: string[] = [];
    for (const [title, ids] of byTitle) {
      const { status, body } = await get<Ranked>(t.adminKey, `/search?q=${encodeURIComponent(title)}&k=5`);
      expect(status).toBe(200);
      if (!ids.has(body[0]?.product_id ?? "")) misses.push(`${title} -> ${body[0]?.product_id}`);
    }
    expect(misses).toEqual([]);
    expect(byTitle.size).toBe(185);
  }, 60_000);

  it("answers a one-word query with items that contain the word, best first, with reasons", async () => {
    const { status, body } = await get<Ranked>(t.adminKey, `/search?q=yoga&k=5`);
    expect(status).toBe(200);
    expect(body).toHaveLength(5);
    const text = new Map(
      env.TEST_SAMPLE_DATA.items.map((i) => [
        i.item_id,
        [i.title, i.description, i.category, ...i.tags].join(" ").toLowerCase(),
      ]),
    );
    for (const r of body) expect(text.get(r.product_id)).toContain("yoga");
    for (let i = 1; i < body.length; i++) expect(body[i]!.score).toBeLessThanOrEqual(body[i - 1]!.score);
    for (const r of body) expect(r.reason).toBeTruthy();
  });

  it("personalizes with user_id: a shopper's favourite category moves up for a broad query", async () => {
    const { items, events } = env.TEST_SAMPLE_DATA;
    const category = new Map(items.map((i) => [i.item_id, i.category]));
    // The synthetic shoppers take 80% of their events in one favourite category.
    const counts = new Map<string, number>();
    for (const e of events.filter((e) => e.user_id === "demo-user-3")) {
      const c = category.get(e.item_id)!;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const favourite = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const q = encodeURIComponent("comfortable for training");
    const anon = await get<Ranked>(t.adminKey, `/search?q=${q}&k=100`);
    const personal = await get<Ranked>(t.adminKey, `/search?q=${q}&k=100&user_id=demo-user-3`);
    expect(personal.status).toBe(200);
    // Mean position of the favourite category's items among the results, lower is better.
    const meanRank = (r: Ranked) => {
      const ranks = r.flatMap((x, i) => (category.get(x.product_id) === favourite ? [i] : []));
      return ranks.reduce((a, b) => a + b, 0) / ranks.length;
    };
    expect(meanRank(personal.body)).toBeLessThan(meanRank(anon.body));
  });

  it("caches a repeated search (X-Cache), and a user's new interaction invalidates their personalized entry", async () => {
    const search = async (path: string) => {
      const res = await call(path, { token: t.adminKey, headers: { "cf-connecting-ip": `203.0.113.${++ip}` } });
      return { cache: res.headers.get("x-cache"), body: (await res.json()) as Ranked };
    };
    let ip = 0;
    const q = encodeURIComponent("lightweight jacket for running");
    const first = await search(`/search?q=${q}&k=10`);
    const second = await search(`/search?q=${q}&k=3`);
    expect([first.cache, second.cache]).toEqual(["MISS", "HIT"]);
    // One entry serves every k: the first three of the same list.
    expect(second.body).toEqual(first.body.slice(0, 3));

    const user = "search-cache-shopper";
    const mine = `/search?q=${q}&k=10&user_id=${user}`;
    expect((await search(mine)).cache).toBe("MISS");
    expect((await search(mine)).cache).toBe("HIT");
    await act(t, user, [{ item_id: env.TEST_SAMPLE_DATA.items[0]!.item_id, interaction_type: "purchase" }]);
    const after = await search(mine);
    expect(after.cache).toBe("MISS");
    // The anonymous entry is untouched by one user's interaction.
    expect((await search(`/search?q=${q}&k=10`)).cache).toBe("HIT");
  });

  it("serves an unknown user unpersonalized (cold start is not an error)", async () => {
    const anon = await get<Ranked>(t.adminKey, `/search?q=bag&k=10`);
    const unknown = await get<Ranked>(t.adminKey, `/search?q=bag&k=10&user_id=nobody-here`);
    expect(unknown.status).toBe(200);
    expect(unknown.body.map((r) => r.product_id)).toEqual(anon.body.map((r) => r.product_id));
  });

  it.each([
    ["", "q", "q must not be empty"],
    ["   ", "q", "q must not be empty"],
    [`${"x".repeat(257)}`, "q", "at most 256"],
  ])("refuses q=%j with 400 on field %s", async (q, field, message) => {
    const { status, body } = await get<ErrorBody>(t.adminKey, `/search?q=${encodeURIComponent(q)}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details.field).toBe(field);
    expect(body.error.message).toContain(message);
  });

  it.each([
    ["k=0", "k", "at least 1"],
    ["k=101", "k", "at most 100"],
    ["k=2.5", "k", "integer"],
    ["k=ten", "k", "number"],
    ["user_id=bad%20id", "user_id", "letters, digits"],
  ])("refuses %s with 400 on field %s", async (param, field, message) => {
    const { status, body } = await get<ErrorBody>(t.adminKey, `/search?q=bag&${param}`);
    expect(status).toBe(400);
    expect(body.error.details.field).toBe(field);
    expect(body.error.message).toContain(message);
  });

  it("needs credentials", async () => {
    const res = await get<ErrorBody>("not-a-key", "/search?q=bag");
    expect(res.status).toBe(401);
  });
});

describe("tenant isolation in search", () => {
  it("another tenant searching the same words never sees this tenant's items", async () => {
    const other = await seedTenant("search-other");
    await post(other.adminKey, "/internal/data/items", {
      tenant_id: other.tenantId,
      items: [{ item_id: "own-bag", title: "Joust Duffle Bag", description: "The other tenant's bag" }],
    });
    await waitForVectors(other.tenantId, 1);
    const { body } = await get<Ranked>(other.adminKey, `/search?q=${encodeURIComponent("Joust Duffle Bag")}&k=100`);
    expect(body.map((r) => r.product_id)).toEqual(["own-bag"]);
    const explain = await get<ErrorBody>(other.adminKey, `/search/explain?q=bag&product_id=24-MB01`);
    expect(explain.status).toBe(404);
  });
});

describe("keyword matching: every word first, any word when too few have them all", () => {
  it("reads items with all the words when there are enough, else any, with one BM25 scale", async () => {
    const shop = await seedTenant("search-words");
    const items = [
      ...Array.from({ length: 12 }, (_, i) => ({ item_id: `both-${i}`, title: `Alpine trail jacket ${i}` })),
      ...Array.from({ length: 5 }, (_, i) => ({ item_id: `one-${i}`, title: `Alpine mug ${i}` })),
    ];
    await post(shop.adminKey, "/internal/data/items", { tenant_id: shop.tenantId, items });
    await waitForVectors(shop.tenantId, items.length);

    const both = await keywordMatches(env.DB, shop.tenantId, "alpine jacket for the trail");
    expect([...both.scores.keys()].sort()).toEqual(
      items
        .slice(0, 12)
        .map((i) => i.item_id)
        .sort(),
    );
    expect(both.match).toBe('"alpine" AND "jacket" AND "trail"');

    // No item has "alpine" and "mug" and "jacket": every item with any of them is read.
    const any = await keywordMatches(env.DB, shop.tenantId, "alpine mug jacket");
    expect(any.match).toBe('"alpine" OR "mug" OR "jacket"');
    expect(any.scores.size).toBe(items.length);
    // An item with every word scores the same under either expression.
    const under = (match: string) => keywordMatchOf(env.DB, shop.tenantId, match, "both-0");
    const fts = '"alpine" AND "jacket"';
    expect(await under(fts)).toBe(await under(fts.replace(" AND ", " OR ")));
  });
});

describe("search cache freshness", () => {
  it("serves a stale entry while one background ranking refreshes it, and drops it once too old", async () => {
    const ctx = servingContext(env, t.tenantId);
    const q = "waterproof hiking backpack";
    const refreshes: Promise<unknown>[] = [];
    const serve = () => serveSearch(ctx, q, 5, undefined, (p) => refreshes.push(p));
    const start = Date.now();
    const clock = vi.spyOn(Date, "now");
    try {
      clock.mockReturnValue(start);
      const first = await serve();
      expect(first.cacheHit).toBe(false);

      clock.mockReturnValue(start + SEARCH_CACHE_FRESH_MS + 1000);
      const stale = await serve();
      expect(stale.cacheHit).toBe(true);
      expect(stale.results).toEqual(first.results);
      expect(refreshes).toHaveLength(1);
      // One refresh at a time, however many requests see the stale entry.
      await serve();
      expect(refreshes).toHaveLength(1);
      await Promise.all(refreshes);
      // Refreshed: fresh again, no new background ranking.
      expect((await serve()).cacheHit).toBe(true);
      expect(refreshes).toHaveLength(1);

      clock.mockReturnValue(start + SEARCH_CACHE_FRESH_MS + 1000 + SEARCH_CACHE_STALE_MS + 1000);
      expect((await serve()).cacheHit).toBe(false);
    } finally {
      clock.mockRestore();
    }
  });
});
