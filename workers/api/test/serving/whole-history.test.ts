import { env } from "cloudflare:workers";
import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type {
  BulkResult,
  DeployResponse,
  PublicRecommendationsResponse,
  RankedProducts,
  RankingExplanation,
  TenantView,
} from "@edge-ml/core/schemas";
import { LABELS, POPULARITY_WEIGHTS, type InteractionTypeName } from "@edge-ml/core/ingest/labels";
import { popularityIncrement } from "@edge-ml/core/ingest/popularity";
import { trainAls, type AlsModel } from "@edge-ml/core/ml/als";
import { foldInUser } from "@edge-ml/core/ml/fold-in";
import { interactionsFromRows, type InteractionMatrix, type IdIndex } from "@edge-ml/core/ml/interactions";
import { rankCandidates } from "@edge-ml/core/ranking/rank";
import { clamp01, freshnessSignal, popularitySignal } from "@edge-ml/core/ranking/signals";
import { DEFAULT_WEIGHTS } from "@edge-ml/core/ranking/weights";
import { getDb } from "../../src/lib/db";
import { createApiKey } from "../../src/access/services/api-keys";
import { scoringClock } from "../../src/serving/services/context";
import { call, seedTenant, type ErrorBody, type SeededTenant } from "../helpers";
import { catalogRows, readCatalog, waitFor } from "../ingest/ingest-helpers";
import { registerTrainedAls } from "../training/model-helpers";
import { clientIp, get, post, waitForEvents, waitForVectors } from "./serving-helpers";
import {
  GROUP_USERS,
  WHALE,
  ALL,
  NO_GROUP,
  ALS,
  itemId,
  buildWorld,
  type SentEvent,
  type ParquetRow,
} from "./whole-history-world";

/**
 * Whole-history serving (user_items, workers/api/src/serving/services/user-pairs.ts) against
 * one synthetic shop: 120 items in 8 categories, 30 heavy users with 200-260 events each over
 * the past 60 days, one user with 1,000 events, and a group of 12 users with held-out items.
 * Every offline computation below reads the Parquet training data the ingest worker wrote,
 * never the events as sent, so it checks the serving state against what a trainer sees.
 */

type Public = z.infer<typeof PublicRecommendationsResponse>;
type Explanation = z.infer<typeof RankingExplanation>;
type Ranked = z.infer<typeof RankedProducts>;
type Bulk = z.infer<typeof BulkResult>;
type Deploy = z.infer<typeof DeployResponse>;
type Tenant = z.infer<typeof TenantView>;
const world = buildWorld();
const createdAt = new Map(world.items.map((i) => [i.item_id, i.created_at]));
const groupIds = new Set(world.group);

let t: SeededTenant;
/** Every row of the tenant's Parquet training data after the beforeAll ingestion. */
let parquet: ParquetRow[];
/** The whole history of every user as the trainer merges it (core's buildInteractions rule). */
let history: { matrix: InteractionMatrix; users: IdIndex; items: IdIndex };
/** Stored popularity per item recomputed from the Parquet rows, and the tenant's maximum. */
let stored: Map<string, number>;
let maxStored: number;
/** Items each user bought or disliked anywhere in their Parquet history. */
let consumedOf: Map<string, Set<string>>;

type Deployed = { version: string; model: AlsModel; itemIds: string[]; index: Map<string, number> };
let modelAll: Deployed;
let modelNoGroup: Deployed;

async function send(events: SentEvent[]): Promise<void> {
  for (let s = 0; s < events.length; s += 2500) {
    const chunk = events.slice(s, s + 2500);
    const res = await post<Bulk>(t.adminKey, "/internal/data/interactions", {
      tenant_id: t.tenantId,
      interactions: chunk,
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(chunk.length);
  }
}

async function readParquet(tenantId: string): Promise<ParquetRow[]> {
  const catalog = await readCatalog(tenantId);
  const rows: ParquetRow[] = [];
  for (const p of catalog!.partitions) {
    for (const f of p.files) {
      const obj = await env.DATA.get(f.key);
      expect(obj, f.key).not.toBeNull();
      const part = (await parquetReadObjects({
        file: await obj!.arrayBuffer(),
        columns: ["user_id", "item_id", "interaction_type", "label", "timestamp"],
      })) as ParquetRow[];
      rows.push(...part);
    }
  }
  // File order depends on random batch ids: a fixed order keeps training reproducible.
  const key = (r: ParquetRow) => `${r.timestamp}|${r.user_id}|${r.item_id}|${r.interaction_type}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Trains on `rows` with core/ml and registers the version as trainer-dispatch would. */
async function registerModel(version: string, rows: ParquetRow[]): Promise<Deployed> {
  const { matrix, items } = interactionsFromRows(rows);
  const model = trainAls(matrix, ALS);
  await registerTrainedAls(t.tenantId, version, model, items.ids);
  return { version, model, itemIds: items.ids, index: new Map(items.ids.map((id, i) => [id, i])) };
}

async function deploy(version: string): Promise<void> {
  const res = await post<Deploy>(t.adminKey, `/api/v1/model/deploy/${version}`, {});
  expect(res.status).toBe(200);
  expect(res.body.version).toBe(version);
}

async function recommend(user: string, count: number, filters?: Record<string, unknown>): Promise<Public> {
  const res = await post<Public>(t.adminKey, "/api/v1/recommendations", {
    user_id: user,
    count,
    ...(filters ? { filters } : {}),
  });
  expect(res.status).toBe(200);
  return res.body;
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Offline = { id: string; score: number; cf: number };

/**
 * The list serving should make for `user` under `d`, computed here: the fold-in over the
 * user's whole merged Parquet history (pairs in item-id order, as affinity.ts solves them),
 * cf = dot / best dot over the catalogue, popularity and freshness as core defines them,
 * consumed items removed unless `keepConsumed`, ranked by core's rankCandidates.
 */
function offlineRanking(
  user: string,
  d: Deployed,
  nowMs: number,
  opts: { keepConsumed?: boolean; merged?: typeof history; consumed?: Set<string> } = {},
): Offline[] {
  const { matrix, users, items } = opts.merged ?? history;
  const u = users.get(user);
  if (u === undefined) throw new Error(`no Parquet history for ${user}`);
  const pairs: { id: string; value: number }[] = [];
  for (let e = matrix.userPtr[u]!; e < matrix.userPtr[u + 1]!; e++) {
    const id = items.id(matrix.userItems[e]!);
    if (d.index.has(id)) pairs.push({ id, value: matrix.userValues[e]! });
  }
  pairs.sort((a, b) => byId(a.id, b.id));
  const { model } = d;
  const k = model.params.factors;
  const vector = foldInUser(
    model,
    pairs.map((p) => d.index.get(p.id)!),
    pairs.map((p) => p.value),
  );
  const dots = new Map<string, number>();
  let top = -Infinity;
  d.itemIds.forEach((id, i) => {
    let dot = 0;
    for (let f = 0; f < k; f++) dot += vector[f]! * model.itemFactors[i * k + f]!;
    dots.set(id, dot);
    top = Math.max(top, dot);
  });
  const scale = top > 0 ? top : 1;
  const consumed = opts.consumed ?? consumedOf.get(user) ?? new Set<string>();
  const candidates = world.items
    .filter((it) => opts.keepConsumed || !consumed.has(it.item_id))
    .map((it) => {
      const dot = dots.get(it.item_id);
      return {
        id: it.item_id,
        signals: {
          cf: dot === undefined ? 0 : clamp01(dot / scale),
          popularity: popularitySignal(stored.get(it.item_id) ?? 0, maxStored, nowMs),
          freshness: freshnessSignal(createdAt.get(it.item_id), nowMs),
        },
      };
    });
  return rankCandidates(candidates, DEFAULT_WEIGHTS, { search: false, cf: true }).map((r) => ({
    id: r.id,
    score: r.score,
    cf: r.breakdown.cf_score,
  }));
}

/** The category most of the user's Parquet events are in. */
function favouriteCategory(user: string): string {
  const n = new Map<string, number>();
  for (const r of parquet) {
    if (r.user_id !== user) continue;
    const c = r.item_id.slice(0, r.item_id.lastIndexOf("-"));
    n.set(c, (n.get(c) ?? 0) + 1);
  }
  return [...n].sort((a, b) => b[1] - a[1])[0]![0];
}

/**
 * What serving made before whole history: the fold-in and the consumed set from the user's
 * newest 50 events only (core's merge rule over them), everything else as offlineRanking.
 */
function windowRanking(user: string, d: Deployed, nowMs: number): Offline[] {
  const newest = parquet
    .filter((r) => r.user_id === user)
    .sort((a, b) => Number(b.timestamp - a.timestamp))
    .slice(0, 50);
  const bought = newest.filter((r) => r.interaction_type === "purchase" || r.interaction_type === "dislike");
  return offlineRanking(user, d, nowMs, {
    merged: interactionsFromRows(newest),
    consumed: new Set(bought.map((r) => r.item_id)),
  });
}

const sameIds = (served: Public["recommendations"], offline: Offline[]) =>
  served.every((s, i) => s.item_id === offline[i]?.id);

/**
 * Served list vs offline list: the same ids in the same order, except that two items whose
 * offline scores differ by less than 1e-6 may swap (a near-tie: serving merges labels in
 * float64 from D1, the trainer's matrix holds them in float32, so scores agree to ~1e-7, not
 * bit for bit). Scores agree to 1e-4. Returns the number of near-tie swaps.
 */
function compareLists(user: string, served: Public["recommendations"], offline: Offline[], count: number): number {
  const score = new Map(offline.map((o) => [o.id, o.score]));
  const want = offline.slice(0, served.length);
  expect(served.length, user).toBe(Math.min(count, offline.length));
  let swaps = 0;
  served.forEach((s, i) => {
    const off = score.get(s.item_id);
    expect(off, `${user}: served ${s.item_id} is not a candidate offline`).toBeDefined();
    expect(Math.abs(s.score - off!), `${user} #${i + 1} ${s.item_id} score`).toBeLessThan(1e-4);
    if (s.item_id !== want[i]!.id) {
      swaps++;
      expect(Math.abs(off! - want[i]!.score), `${user} #${i + 1}: ${s.item_id} vs ${want[i]!.id}`).toBeLessThan(1e-6);
    }
  });
  return swaps;
}

/**
 * Asks for `user`'s list and compares it with the offline one (compareLists). An hour
 * boundary inside the request leaves the ranking on either clock: the one whose list starts
 * as the served one does is compared. Returns the served list, the clock and the swaps.
 */
async function servedVsOffline(user: string, d: Deployed, count: number) {
  const before = scoringClock(Date.now());
  const served = await recommend(user, count);
  const after = scoringClock(Date.now());
  expect(served.metadata.model_version).toBe(d.version);
  const offline = [before, after].map((clock) => offlineRanking(user, d, clock));
  const pick = before === after || served.recommendations[0]?.item_id === offline[0]![0]?.id ? 0 : 1;
  const swaps = compareLists(user, served.recommendations, offline[pick]!, count);
  return { served, nowMs: pick === 0 ? before : after, swaps };
}

beforeAll(async () => {
  t = await seedTenant("whole-history");
  const up = await post<Bulk>(t.adminKey, "/internal/data/items", {
    tenant_id: t.tenantId,
    items: world.items,
  });
  expect(up.body.accepted).toBe(world.items.length);
  await waitForVectors(t.tenantId, world.items.length);
  await send(world.events);
  // Ingestion is complete when the catalogue lists every row sent (D1 is written before the files).
  await waitFor(
    async () => catalogRows(await readCatalog(t.tenantId)),
    (n) => n === world.events.length,
    90_000,
  );
  parquet = await readParquet(t.tenantId);
  expect(parquet).toHaveLength(world.events.length);

  history = interactionsFromRows(parquet);
  stored = new Map();
  consumedOf = new Map();
  for (const r of parquet) {
    const ms = Number(r.timestamp) * 1000;
    stored.set(
      r.item_id,
      (stored.get(r.item_id) ?? 0) + popularityIncrement(POPULARITY_WEIGHTS[r.interaction_type], ms),
    );
    if (r.interaction_type === "purchase" || r.interaction_type === "dislike") {
      let s = consumedOf.get(r.user_id);
      if (!s) consumedOf.set(r.user_id, (s = new Set()));
      s.add(r.item_id);
    }
  }
  maxStored = Math.max(...stored.values());

  modelAll = await registerModel(ALL, parquet);
  modelNoGroup = await registerModel(
    NO_GROUP,
    parquet.filter((r) => !groupIds.has(r.user_id)),
  );
}, 180_000);

describe("whole-history serving", () => {
  it("the world is as described: heavy users with purchases beyond their newest 50 events", () => {
    expect(world.events.length).toBeLessThan(10_000);
    for (const user of world.heavy) {
      const mine = parquet.filter((r) => r.user_id === user);
      expect(mine.length).toBeGreaterThanOrEqual(200);
      expect(mine.length).toBeLessThanOrEqual(260);
      const older = mine.slice(0, mine.length - 50);
      expect(older.some((r) => r.interaction_type === "purchase")).toBe(true);
    }
    expect(parquet.every((r) => r.label === Math.fround(LABELS[r.interaction_type]))).toBe(true);
    // Nothing held out reached the training data.
    for (const [user, held] of world.heldOut) {
      expect(parquet.some((r) => r.user_id === user && held.has(r.item_id))).toBe(false);
    }
  });

  it("parity: every heavy user's served list is the one computed offline from the Parquet data and the artifacts", async () => {
    await deploy(ALL);
    let swaps = 0;
    let differsFromWindow = 0;
    let inFavourite = 0;
    for (const user of world.heavy) {
      const { served, nowMs, swaps: s } = await servedVsOffline(user, modelAll, 10);
      expect(served.metadata.cache_hit).toBe(false);
      swaps += s;
      // Nothing consumed anywhere in the history is served, and cf is personal: the user's
      // favourite category (most of their events) fills most of their list.
      const consumed = consumedOf.get(user)!;
      expect(served.recommendations.filter((r) => consumed.has(r.item_id))).toEqual([]);
      const fav = favouriteCategory(user);
      inFavourite += served.recommendations.filter((r) => r.item_id.startsWith(`${fav}-`)).length;
      // What the old 50-event window would have served is another list for most users.
      if (!sameIds(served.recommendations, windowRanking(user, modelAll, nowMs))) differsFromWindow++;
    }
    // Near-ties are the exception, not how the lists agree.
    expect(swaps).toBeLessThanOrEqual(2);
    expect(differsFromWindow).toBeGreaterThanOrEqual(0.8 * world.heavy.length);
    expect(inFavourite).toBeGreaterThan(0.6 * 10 * world.heavy.length);
  });

  it("a user with 1,000 events never gets a purchased or disliked item back", async () => {
    await deploy(ALL);
    const mine = parquet.filter((r) => r.user_id === WHALE);
    expect(mine).toHaveLength(1000);
    const consumed = consumedOf.get(WHALE)!;
    // Every purchase and dislike is older than the newest 50 events: the old 50-event window
    // could not see any of them.
    const newest = [...mine].sort((a, b) => Number(b.timestamp - a.timestamp)).slice(0, 50);
    expect(newest.some((r) => r.interaction_type === "purchase" || r.interaction_type === "dislike")).toBe(false);
    expect(consumed.size).toBeGreaterThanOrEqual(10);
    expect(newest.some((r) => consumed.has(r.item_id))).toBe(false);

    // The served list is the offline one (the whole history in the fold-in too), and has
    // nothing consumed.
    const { served, nowMs } = await servedVsOffline(WHALE, modelAll, 20);
    expect(served.recommendations).toHaveLength(20);
    expect(served.recommendations.filter((r) => consumed.has(r.item_id))).toEqual([]);

    // Without the exclusion, consumed items would be among the user's best: the test bites.
    const unfiltered = offlineRanking(WHALE, modelAll, nowMs, { keepConsumed: true }).slice(0, 20);
    const wouldServe = unfiltered.filter((o) => consumed.has(o.id));
    expect(wouldServe.length).toBeGreaterThan(0);

    const res = await call(`/recommend/${WHALE}?k=20`, {
      token: t.adminKey,
      headers: { "cf-connecting-ip": clientIp() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-model-version")).toBe(ALL);
    const listed = (await res.json()) as Ranked;
    expect(listed).toHaveLength(20);
    expect(listed.filter((r) => consumed.has(r.product_id))).toEqual([]);

    // A fresh ranking (a filter is a list of its own, never cached from the one above) too.
    const filtered = await recommend(WHALE, 20, { exclude_ids: ["no-such-item"] });
    expect(filtered.metadata.cache_hit).toBe(false);
    expect(filtered.recommendations.filter((r) => consumed.has(r.item_id))).toEqual([]);

    // The explanation: the best consumed item would outscore the 20th served one, and is not served.
    const boughtOnly = new Set(mine.filter((r) => r.interaction_type === "purchase").map((r) => r.item_id));
    const best = wouldServe[0]!;
    const explained = await get<Explanation>(t.adminKey, `/debug/ranking/${best.id}?user_id=${WHALE}`);
    expect(explained.status).toBe(200);
    expect(explained.body.rank).toBeNull();
    expect(explained.body.explanation).toBe(
      boughtOnly.has(best.id) ? "Not served: the user already bought it" : "Not served: the user disliked it",
    );
    expect(explained.body.final_score).toBeGreaterThan(served.recommendations[19]!.score);
    expect(Math.abs(explained.body.final_score - best.score)).toBeLessThan(1e-4);
    const bought = [...boughtOnly][0]!;
    const explainedBought = await get<Explanation>(t.adminKey, `/debug/ranking/${bought}?user_id=${WHALE}`);
    expect(explainedBought.body.rank).toBeNull();
    expect(explainedBought.body.explanation).toBe("Not served: the user already bought it");
    const dislikedOnly = [...consumed].find((i) => !boughtOnly.has(i))!;
    const explainedDisliked = await get<Explanation>(t.adminKey, `/debug/ranking/${dislikedOnly}?user_id=${WHALE}`);
    expect(explainedDisliked.body.rank).toBeNull();
    expect(explainedDisliked.body.explanation).toBe("Not served: the user disliked it");
    // A served item's explanation gives its served rank and score.
    const first = served.recommendations[0]!;
    const explainedFirst = await get<Explanation>(t.adminKey, `/debug/ranking/${first.item_id}?user_id=${WHALE}`);
    expect(explainedFirst.body.rank).toBe(1);
    expect(explainedFirst.body.final_score).toBeCloseTo(first.score, 9);
  });

  it("an unseen user is served within 10% of a trained one's Recall@10, and well above popularity", async () => {
    const recall = async (version: string) => {
      await deploy(version);
      let hits = 0;
      let total = 0;
      for (const user of world.group) {
        const served = await recommend(user, 10);
        expect(served.metadata.model_version).toBe(version);
        expect(served.metadata.cache_hit).toBe(false);
        const held = world.heldOut.get(user)!;
        hits += served.recommendations.filter((r) => held.has(r.item_id)).length;
        total += held.size;
      }
      return hits / total;
    };
    const recallA = await recall(ALL);
    const recallB = await recall(NO_GROUP);

    // Model B never saw the group: none of their rows were in its training data.
    expect(modelNoGroup.model.nUsers).toBe(history.users.size - GROUP_USERS);

    // Popularity's top 10 from the same Parquet rows, without each user's consumed items.
    const popular = [...stored].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1] || byId(a[0], b[0]));
    let popHits = 0;
    let popTotal = 0;
    for (const user of world.group) {
      const consumed = consumedOf.get(user)!;
      const top = popular.filter(([id]) => !consumed.has(id)).slice(0, 10);
      const held = world.heldOut.get(user)!;
      popHits += top.filter(([id]) => held.has(id)).length;
      popTotal += held.size;
    }
    const recallPop = popHits / popTotal;

    console.log(`Recall@10 of the group: trained ${recallA}, unseen ${recallB}, popularity ${recallPop}`);
    expect(recallA).toBeGreaterThan(recallPop + 0.2);
    expect(recallA).toBeGreaterThan(2 * recallPop);
    expect(recallB).toBeGreaterThanOrEqual(0.9 * recallA);
  });

  it("consumed policy: a tenant setting decides which past interactions keep items out, over the whole history", async () => {
    await deploy(ALL);
    const cat = 5;
    const base = Date.now() - 600_000;
    // Twins: the same events for two new users, one asked before the policy change, one after.
    const plan: [number, InteractionTypeName][] = [
      [0, "purchase"],
      [1, "purchase"],
      [2, "view"],
      [2, "view"],
      [2, "view"],
      [3, "view"],
      [3, "view"],
      [4, "view"],
      [4, "view"],
      [5, "view"],
      [6, "click"],
      [7, "click"],
    ];
    const eventsOf = (user: string): SentEvent[] =>
      plan.map(([j, type], p) => ({
        user_id: user,
        item_id: itemId(cat, j),
        interaction_type: type,
        timestamp: new Date(Math.floor((base + p * 10_000) / 1000) * 1000).toISOString(),
      }));
    const viewed = new Set(plan.filter(([, ty]) => ty === "view").map(([j]) => itemId(cat, j)));
    const purchased = new Set(plan.filter(([, ty]) => ty === "purchase").map(([j]) => itemId(cat, j)));
    await send([...eventsOf("policy-twin"), ...eventsOf("policy-subject")]);
    await waitForEvents(t.tenantId, plan.length, "policy-twin");
    await waitForEvents(t.tenantId, plan.length, "policy-subject");

    // The default policy (purchase, dislike): viewed items are served, purchased ones are not.
    const before = await recommend("policy-twin", 10);
    expect(before.metadata.model_version).toBe(ALL);
    expect(before.recommendations.filter((r) => viewed.has(r.item_id)).length).toBeGreaterThan(0);
    expect(before.recommendations.filter((r) => purchased.has(r.item_id))).toEqual([]);

    const patch = (token: string, body: unknown) =>
      call("/api/v1/tenant/settings", { method: "PATCH", token, body, headers: { "cf-connecting-ip": clientIp() } });

    const withView = await patch(t.adminKey, { consumed_interaction_types: ["purchase", "dislike", "view"] });
    expect(withView.status).toBe(200);
    const withViewBody = (await withView.json()) as Tenant;
    expect(withViewBody.settings.consumed_interaction_types).toEqual(["purchase", "dislike", "view"]);

    const after = await recommend("policy-subject", 100);
    expect(after.metadata.cache_hit).toBe(false);
    expect(after.recommendations.length).toBeGreaterThan(50);
    expect(after.recommendations.filter((r) => viewed.has(r.item_id))).toEqual([]);
    expect(after.recommendations.filter((r) => purchased.has(r.item_id))).toEqual([]);
    // The twin's clicked items are still served: only the listed types count.
    expect(after.recommendations.some((r) => r.item_id === itemId(cat, 6) || r.item_id === itemId(cat, 7))).toBe(true);
    // The twin's fresh ranking (a filtered list is never the cached one) obeys it too.
    const twinAgain = await recommend("policy-twin", 100, { exclude_ids: ["no-such-item"] });
    expect(twinAgain.metadata.cache_hit).toBe(false);
    expect(twinAgain.recommendations.filter((r) => viewed.has(r.item_id))).toEqual([]);
    const why = await get<Explanation>(t.adminKey, `/debug/ranking/${itemId(cat, 2)}?user_id=policy-subject`);
    expect(why.body.rank).toBeNull();
    expect(why.body.explanation).toBe(
      "Not served: the user already consumed it (the tenant's consumed_interaction_types)",
    );

    // [] (repeat purchases): a purchased item comes back.
    const none = await patch(t.adminKey, { consumed_interaction_types: [] });
    expect(none.status).toBe(200);
    expect(((await none.json()) as Tenant).settings).toMatchObject({
      consumed_interaction_types: [],
    });
    await send(eventsOf("policy-repeat"));
    await waitForEvents(t.tenantId, plan.length, "policy-repeat");
    const repeat = await recommend("policy-repeat", 100);
    expect(repeat.metadata.cache_hit).toBe(false);
    const servedIds = repeat.recommendations.map((r) => r.item_id);
    for (const p of purchased) expect(servedIds).toContain(p);
    for (const v of viewed) expect(servedIds).toContain(v);
    const bought = await get<Explanation>(t.adminKey, `/debug/ranking/${itemId(cat, 0)}?user_id=policy-repeat`);
    expect(bought.body.rank).toBe(servedIds.indexOf(itemId(cat, 0)) + 1);

    // Only an admin may change it; a bad type is a 400 naming the element.
    const db = getDb(env.DB);
    const reader = await createApiKey(
      db,
      t.tenantId,
      {
        name: "reader",
        permissions: ["read", "write"],
        environment: "test",
        rate_limit_search: 1000,
        rate_limit_recommend: 500,
      },
      t.adminUserId,
    );
    const forbidden = await patch(reader.secret, { consumed_interaction_types: ["purchase"] });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as ErrorBody).error.code).toBe("FORBIDDEN");
    const bad = await patch(t.adminKey, { consumed_interaction_types: ["purchase", "bookmark"] });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as ErrorBody;
    expect(badBody.error.code).toBe("VALIDATION_ERROR");
    expect(badBody.error.details.field).toBe("consumed_interaction_types.1");
    // Neither changed the setting.
    const tenant = await get<Tenant>(t.adminKey, "/api/v1/tenant");
    expect(tenant.body.settings.consumed_interaction_types).toEqual([]);
  });
});
