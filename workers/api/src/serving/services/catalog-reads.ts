import { USER_HISTORY_LIMIT } from "@edge-ml/core/schemas";
import type { InteractionTypeName } from "@edge-ml/core/ingest/labels";
import type { HistoryEvent } from "@edge-ml/core/recommend/profile";
import { ftsQuery } from "@edge-ml/core/text/fts-query";
import { OBJECT_BYTES, slotBytes, stringBytes, TtlCache } from "../../lib/ttl-cache";
import { STAMP_NEWEST } from "./recommendation-cache";

/**
 * The D1 reads of serving. Every statement filters on the tenant; ids travel as one JSON
 * parameter (D1 allows 100 bound parameters per statement).
 */
export type ItemFacts = {
  itemId: string;
  title: string;
  category: string | null;
  createdAt: string;
  /** Stored popularity score (core/ingest/popularity.ts); 0 without events. */
  popularity: number;
};

/** FTS5 candidates per query: enough for the blend to reorder, few enough to stay fast. */
export const KEYWORD_CANDIDATES = 100;

/**
 * BM25 with column weights that favour the title (10) over category and tags (3) and the
 * description (1): a word in a product's name says more than one in its copy.
 */
const BM25 = "bm25(items_fts, 10.0, 1.0, 3.0, 3.0)";

/**
 * Items that have every word of the query are enough when there are at least this many:
 * matching any word instead scores every row that has one (thousands for a common word,
 * each with BM25), to find items that answer the query less well than these.
 */
export const ALL_WORDS_ENOUGH = 10;

export type KeywordMatches = {
  /** BM25 per matching item (lower is better), the best KEYWORD_CANDIDATES. */
  scores: Map<string, number>;
  /** The MATCH expression that found them, for scoring one more item the same way. */
  match: string | undefined;
};

/**
 * BM25 of the tenant's best-matching items for the query's words: those with all the words
 * when there are ALL_WORDS_ENOUGH of them, else those with any. BM25 of an item with every
 * word is the same either way (same words, same statistics), so the fallback only adds
 * items, it never rescales the ones the first read found.
 */
export async function keywordMatches(db: D1Database, tenantId: string, query: string): Promise<KeywordMatches> {
  const fts = ftsQuery(query);
  if (!fts) return { scores: new Map(), match: undefined };
  const all = await matchRows(db, tenantId, fts.all);
  if (all.size >= ALL_WORDS_ENOUGH || fts.words.length === 1) return { scores: all, match: fts.all };
  return { scores: await matchRows(db, tenantId, fts.any), match: fts.any };
}

async function matchRows(db: D1Database, tenantId: string, match: string): Promise<Map<string, number>> {
  const { results } = await db
    .prepare(
      `SELECT i.item_id AS item_id, ${BM25} AS bm25
       FROM items_fts JOIN items i ON i.rowid = items_fts.rowid
       WHERE items_fts MATCH ?1 AND i.tenant_id = ?2
       ORDER BY bm25 LIMIT ?3`,
    )
    .bind(match, tenantId, KEYWORD_CANDIDATES)
    .all<{ item_id: string; bm25: number }>();
  return new Map(results.map((r) => [r.item_id, r.bm25]));
}

/** The BM25 of one item under `match` (keywordMatches' expression), when it matches at all. */
export async function keywordMatchOf(
  db: D1Database,
  tenantId: string,
  match: string | undefined,
  itemId: string,
): Promise<number | undefined> {
  if (!match) return undefined;
  const row = await db
    .prepare(
      `SELECT ${BM25} AS bm25 FROM items_fts JOIN items i ON i.rowid = items_fts.rowid
       WHERE items_fts MATCH ?1 AND i.tenant_id = ?2 AND i.item_id = ?3`,
    )
    .bind(match, tenantId, itemId)
    .first<{ bm25: number }>();
  return row?.bm25 ?? undefined;
}

/**
 * Facts of candidates are kept per isolate for as long as the popularity head (30 s): the
 * same items are candidates of request after request. A title or category edit, a
 * popularity change or a deletion shows in ranking within FACTS_TTL_MS (an isolate that read
 * a deleted item may rank it until then); an item not found is not cached.
 */
export const FACTS_TTL_MS = 30_000;
const FACTS_ENTRIES = 50_000;
const factsCache = new TtlCache<string, ItemFacts>(FACTS_ENTRIES, FACTS_TTL_MS, {
  maxBytes: 6 << 20,
  sizeOf: (key, f) =>
    slotBytes(key) +
    OBJECT_BYTES +
    stringBytes(f.itemId) +
    stringBytes(f.title) +
    stringBytes(f.category ?? "") +
    stringBytes(f.createdAt),
});

/**
 * What ranking needs of each candidate, popularity included: the isolate's cache, then one
 * D1 round trip for the rest. `fresh` skips the cache (whether an item exists at all).
 */
export async function itemFacts(
  db: D1Database,
  tenantId: string,
  ids: string[],
  opts: { fresh?: boolean } = {},
): Promise<Map<string, ItemFacts>> {
  const out = new Map<string, ItemFacts>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = opts.fresh ? undefined : factsCache.get(`${tenantId}|${id}`);
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const { results } = await db
    .prepare(
      `SELECT i.item_id AS item_id, i.title AS title, i.category AS category, i.created_at AS created_at,
              coalesce(p.score, 0) AS popularity
       FROM items i LEFT JOIN item_popularity p ON p.tenant_id = i.tenant_id AND p.item_id = i.item_id
       WHERE i.tenant_id = ?1 AND i.item_id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(tenantId, JSON.stringify(missing))
    .all<{ item_id: string; title: string; category: string | null; created_at: string; popularity: number }>();
  for (const r of results) {
    const facts = {
      itemId: r.item_id,
      title: r.title,
      category: r.category,
      createdAt: r.created_at,
      popularity: r.popularity,
    };
    factsCache.set(`${tenantId}|${r.item_id}`, facts);
    out.set(r.item_id, facts);
  }
  return out;
}

export type PopularHead = { items: { itemId: string; score: number; category: string | null }[]; maxScore: number };

/** How many of the most popular items serving keeps per tenant, and for how long. */
export const POPULAR_HEAD_SIZE = 200;
const POPULAR_HEAD_TTL_MS = 30_000;
/**
 * Holds heads, not the reads' promises: workerd refuses to let one request wait on I/O that
 * another request started (see user-pairs.ts), so concurrent first reads each read.
 */
const popularHeads = new TtlCache<string, PopularHead>(1000, POPULAR_HEAD_TTL_MS, {
  maxBytes: 3 << 20,
  sizeOf: (tenantId, head) => {
    let bytes = slotBytes(tenantId) + 2 * OBJECT_BYTES;
    for (const i of head.items) bytes += OBJECT_BYTES + 8 + stringBytes(i.itemId) + stringBytes(i.category ?? "");
    return bytes;
  },
});

/**
 * The tenant's most popular items, cached per isolate for 30 s: item_popularity has no
 * index on score (it changes with every event), so this is a scan of the tenant's rows that
 * must not run per request. Its first row is also the scale of the popularity signal.
 */
export async function popularHead(db: D1Database, tenantId: string): Promise<PopularHead> {
  const cached = popularHeads.get(tenantId);
  if (cached) return cached;
  const head = await db
    .prepare(
      `SELECT p.item_id AS item_id, p.score AS score, i.category AS category
       FROM item_popularity p JOIN items i ON i.tenant_id = p.tenant_id AND i.item_id = p.item_id
       WHERE p.tenant_id = ?1 AND p.score > 0 ORDER BY p.score DESC LIMIT ?2`,
    )
    .bind(tenantId, POPULAR_HEAD_SIZE)
    .all<{ item_id: string; score: number; category: string | null }>()
    .then(async ({ results }) => {
      const items = results.map((r) => ({ itemId: r.item_id, score: r.score, category: r.category }));
      // A young tenant has few events: newest items fill the head, so a cold user still
      // gets a full list.
      if (items.length < POPULAR_HEAD_SIZE) {
        const seen = new Set(items.map((i) => i.itemId));
        const { results: newest } = await db
          .prepare(`SELECT item_id, category FROM items WHERE tenant_id = ?1 ORDER BY created_at DESC LIMIT ?2`)
          .bind(tenantId, POPULAR_HEAD_SIZE)
          .all<{ item_id: string; category: string | null }>();
        for (const r of newest) {
          if (items.length >= POPULAR_HEAD_SIZE) break;
          if (!seen.has(r.item_id)) items.push({ itemId: r.item_id, score: 0, category: r.category });
        }
      }
      return { items, maxScore: results[0]?.score ?? 0 };
    });
  // Only a read that succeeded is cached.
  popularHeads.set(tenantId, head);
  return head;
}

/** Forgets cached popularity heads (tests that reload data in the same isolate). */
export function forgetPopularHeads(): void {
  popularHeads.deleteWhere(() => true);
}

/**
 * The user's latest events, newest first (the table keeps the last USER_HISTORY_LIMIT), with
 * `arrivals`: the count and highest rowid of the user's rows, which change with every event
 * applied, also one timestamped before the newest (a backfill, an offline app's late sync)
 * that the newest events alone would not show. Caches stamp with it (recommendation-cache.ts),
 * so a late purchase still retires a cached list that holds the item.
 */
export async function recentHistory(db: D1Database, tenantId: string, userId: string): Promise<History> {
  return historyOf(await recentHistoryStatement(db, tenantId, userId).all<HistoryRow>());
}

export type HistoryRow = { item_id: string; interaction_type: string; ts: number; arrivals: string };
export type History = HistoryEvent[] & { arrivals?: string };

/** recentHistory's query, for a caller that sends it in a batch with others. */
export function recentHistoryStatement(db: D1Database, tenantId: string, userId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT item_id, interaction_type, ts,
         (SELECT count(*) || ':' || max(rowid) FROM user_history WHERE tenant_id = ?1 AND user_id = ?2) AS arrivals
       FROM user_history WHERE tenant_id = ?1 AND user_id = ?2 ORDER BY ts DESC, rowid DESC LIMIT ?3`,
    )
    .bind(tenantId, userId, USER_HISTORY_LIMIT);
}

/** HISTORY_STAMP_SQL's row: what recentHistory's stamp is made of (recommendation-cache.ts stampOf). */
export type StampRow = { length: number; arrivals: string; newest: string };

/**
 * The parts of the stamp of the user's recent history (recommendation-cache.ts historyStamp)
 * without reading the history: its length (recentHistory's, so at most USER_HISTORY_LIMIT),
 * its `arrivals` and the STAMP_NEWEST newest events, in recentHistory's order. One row, even
 * for a user without events. Parameters ?1-?4 are historyStampParams; a statement that embeds
 * it (stored-lists.ts) numbers its own from ?5.
 */
export const HISTORY_STAMP_SQL = `SELECT min(count(*), ?3) AS length, count(*) || ':' || max(rowid) AS arrivals,
         (SELECT json_group_array(json_array(item_id, interaction_type, ts)) FROM
           (SELECT item_id, interaction_type, ts FROM user_history WHERE tenant_id = ?1 AND user_id = ?2
            ORDER BY ts DESC, rowid DESC LIMIT ?4)) AS newest
       FROM user_history WHERE tenant_id = ?1 AND user_id = ?2`;

export const historyStampParams = (tenantId: string, userId: string) =>
  [tenantId, userId, USER_HISTORY_LIMIT, STAMP_NEWEST] as const;

export function historyOf({ results }: D1Result<HistoryRow>): History {
  const events: History = results.map((r) => ({
    itemId: r.item_id,
    type: r.interaction_type as InteractionTypeName,
    ts: r.ts,
  }));
  if (results[0]) events.arrivals = results[0].arrivals;
  return events;
}

/** The most popular items of some categories (a filtered request cannot use the cached head). */
export async function popularInCategories(
  db: D1Database,
  tenantId: string,
  categories: string[],
  limit: number,
): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT i.item_id AS item_id FROM items i
       LEFT JOIN item_popularity p ON p.tenant_id = i.tenant_id AND p.item_id = i.item_id
       WHERE i.tenant_id = ?1 AND i.category IN (SELECT value FROM json_each(?2))
       ORDER BY coalesce(p.score, 0) DESC, i.created_at DESC LIMIT ?3`,
    )
    .bind(tenantId, JSON.stringify(categories), limit)
    .all<{ item_id: string }>();
  return results.map((r) => r.item_id);
}
