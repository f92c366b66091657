import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { SeededTenant } from "./helpers";
import { call, type ErrorBody } from "./helpers";
import { act, get, post, sampleTenant, waitForVectors } from "./serving-helpers";
import { seedTenant } from "./helpers";

type Ranked = { product_id: string; score: number; reason?: string }[];

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
