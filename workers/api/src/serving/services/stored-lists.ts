import { STORED_LIST_MAX_AGE_MS, STORED_LIST_SIZE } from "@edge-ml/core/schemas";
import { HISTORY_STAMP_SQL, historyStampParams, type StampRow } from "./catalog-reads";
import { stampOf, type CachedRecommendation } from "./recommendation-cache";

/**
 * Each user's default recommendation list (no filters, default weights), stored in D1 by
 * whoever ranked it last: the background refresh after the user's events land
 * (queue/refresh-lists.ts) or a request that had to rank. A request that finds no list in
 * its isolate's cache serves it instead of ranking: that cache only helps a user whose
 * requests return to the same isolate within a minute, and ranking is the most expensive
 * thing the api does (about 10 ms of CPU locally: several calls to every vector shard).
 *
 * A stored list is served only while it is the list serving would make now: the same key
 * (model version and weights), the same history stamp (a new event of the user changes it),
 * at most STORED_LIST_MAX_AGE_MS old (other shoppers' events move popularity), and long
 * enough for the request's `count` (only the best STORED_LIST_SIZE are kept: a row per
 * active user, so its size matters). Not tied to the scoring hour: every list would expire
 * at once on the hour and every active user's next request rank together; a list made just
 * before the hour keeps the previous hour's freshness and popularity (they decay over days)
 * for the rest of its 10 minutes.
 */
export type StoredList = {
  key: string;
  stamp: string;
  computedAt: number;
  /** The packed items, parsed only for a list that is served (storedItems). */
  packed: string;
};

/** An item as stored: positional, to keep the row small. */
type Packed = [string, number, number | null, string | null, string, string];
type PackedList = { complete: boolean; items: Packed[] };

/** The stamp's parts and the user's list row (null columns when the user has none). */
type StampAndListRow = StampRow & {
  list_key: string | null;
  history_stamp: string | null;
  computed_at: number | null;
  items: string | null;
};

/** The whole list, or with ?5 only its first ?5 items (json_each keeps the array's order by key). */
const WHOLE_ITEMS = "l.items";
const HEAD_ITEMS = `CASE WHEN l.items IS NULL THEN NULL ELSE
  json_object('complete', json(l.items -> '$.complete'), 'items',
    (SELECT json_group_array(json(value)) FROM
      (SELECT value FROM json_each(l.items, '$.items') ORDER BY key LIMIT ?5))) END`;
const stampAndList = (items: string) => `SELECT s.length, s.arrivals, s.newest,
    l.list_key, l.history_stamp, l.computed_at, ${items} AS items
  FROM (${HISTORY_STAMP_SQL}) AS s
  LEFT JOIN recommendation_lists AS l ON l.tenant_id = ?1 AND l.user_id = ?2`;
const STAMP_AND_WHOLE_LIST = stampAndList(WHOLE_ITEMS);
const STAMP_AND_LIST_HEAD = stampAndList(HEAD_ITEMS);

/**
 * The user's history stamp (what `historyStamp` makes of their recent history) and stored
 * list in one statement, for a request that a stored list may answer. Neither the history
 * itself nor the whole list travels: the stamp is computed in SQL from the count, the highest
 * rowid and the 3 newest events (catalog-reads.ts HISTORY_STAMP_SQL), and with `head` only the
 * best `head` items of the list come back. A request without min_score serves at most `count`
 * items, so the rest of the list is never read (measured: the whole list and the 50 history
 * rows were most of what a served /recommend allocated). One statement, not a batch of two:
 * locally D1's object parses, runs and answers each statement of a batch apart, and runs the
 * batch in a transaction (docs/benchmarks.md, "One statement for a served list"). A request
 * that then has to rank reads the history itself.
 */
export async function stampAndStoredList(
  db: D1Database,
  tenantId: string,
  userId: string,
  head?: number,
): Promise<{ stamp: string; stored: StoredList | undefined }> {
  const params = historyStampParams(tenantId, userId);
  const row =
    head === undefined
      ? await db
          .prepare(STAMP_AND_WHOLE_LIST)
          .bind(...params)
          .first<StampAndListRow>()
      : await db
          .prepare(STAMP_AND_LIST_HEAD)
          .bind(...params, head)
          .first<StampAndListRow>();
  const stored =
    row?.list_key != null && row.items != null
      ? { key: row.list_key, stamp: row.history_stamp!, computedAt: row.computed_at!, packed: row.items }
      : undefined;
  return { stamp: stampOf(row ?? undefined), stored };
}

/** A stored list's items, best first, and whether they are all the ranking had. */
export function storedItems(stored: StoredList): { items: CachedRecommendation[]; complete: boolean } {
  const packed = JSON.parse(stored.packed) as PackedList;
  return {
    complete: packed.complete,
    items: packed.items.map(([itemId, score, distance, category, createdAt, reason]) => ({
      itemId,
      score,
      distance,
      category,
      createdAt,
      reason,
    })),
  };
}

export type ListRequest = {
  key: string;
  stamp: string;
  nowMs: number;
  count: number;
  minScore: number | undefined;
};

/**
 * The stored list's answer to this request, if it is the answer a ranking would give now:
 * same key and stamp, young enough, and holding the `count` best (a kept
 * prefix covers the request when it has `count` items at or above `min_score`, or when an
 * item below `min_score` shows the cut came before the truncation).
 */
export function servedFromStored(
  stored: StoredList | undefined,
  want: ListRequest,
): CachedRecommendation[] | undefined {
  if (
    stored === undefined ||
    stored.key !== want.key ||
    stored.stamp !== want.stamp ||
    want.nowMs - stored.computedAt > STORED_LIST_MAX_AGE_MS
  ) {
    return undefined;
  }
  const { minScore, count } = want;
  const { items, complete } = storedItems(stored);
  const passing = minScore === undefined ? items : items.filter((i) => i.score >= minScore);
  const cutByScore = passing.length < items.length;
  if (passing.length >= count || complete || cutByScore) return passing.slice(0, count);
  return undefined;
}

export type ListToStore = {
  userId: string;
  key: string;
  stamp: string;
  items: CachedRecommendation[];
};

/**
 * Upserts lists of one tenant, at most LISTS_PER_STATEMENT per statement (each list is a few
 * kilobytes of one bound parameter).
 */
export const LISTS_PER_STATEMENT = 10;
export function storeListsStatements(
  db: D1Database,
  tenantId: string,
  lists: ListToStore[],
  nowMs: number,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < lists.length; i += LISTS_PER_STATEMENT) {
    const rows = lists.slice(i, i + LISTS_PER_STATEMENT).map((l) => {
      const packed: PackedList = {
        complete: l.items.length <= STORED_LIST_SIZE,
        items: l.items
          .slice(0, STORED_LIST_SIZE)
          .map((r): Packed => [r.itemId, r.score, r.distance, r.category, r.createdAt, r.reason]),
      };
      return [l.userId, l.key, l.stamp, JSON.stringify(packed)];
    });
    statements.push(
      db
        .prepare(
          `INSERT INTO recommendation_lists (tenant_id, user_id, list_key, history_stamp, items, computed_at)
           SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?3 FROM json_each(?2) WHERE true
           ON CONFLICT (tenant_id, user_id) DO UPDATE SET
             list_key = excluded.list_key, history_stamp = excluded.history_stamp,
             items = excluded.items, computed_at = excluded.computed_at`,
        )
        .bind(tenantId, JSON.stringify(rows), nowMs),
    );
  }
  return statements;
}

/** Stores lists (one round trip). */
export async function storeLists(db: D1Database, tenantId: string, lists: ListToStore[], nowMs: number): Promise<void> {
  if (lists.length > 0) await db.batch(storeListsStatements(db, tenantId, lists, nowMs));
}
