import { pairValue } from "@edge-ml/core/ml/interactions";
import { DEFAULT_CONSUMED_TYPES, typeBit, typeMask } from "@edge-ml/core/recommend/consumed";
import { FOLD_IN_MAX_PAIRS } from "@edge-ml/core/recommend/whole-history";
import { slotBytes, TtlCache } from "../../lib/ttl-cache";
import { settingsOf } from "../../access/services/tenants";

/**
 * A user's whole history as serving reads it (D1 `user_items`, one row per pair, kept by
 * ingestion): the pairs the fold-in solves over and the items they consumed. Replaces the
 * 50-event window for both, so a heavy user's old purchases stay excluded and their vector
 * sees everything they did (docs/decisions.md, "Whole-history serving").
 */
export type UserPairs = {
  /** The newest FOLD_IN_MAX_PAIRS pairs: item ids and merged values r (core/ml/merge-rule.ts); empty unless read for a fold-in. */
  items: string[];
  values: number[];
  /** Items the tenant's policy says this user consumed, with the reason shown by explanations. */
  consumed: Map<string, "bought" | "disliked" | "consumed">;
};

type PairRow = { item_id: string; positive: number; latest_is_dislike: number };
type ConsumedRow = { item_id: string; types: number };

const PURCHASE = typeBit("purchase");
const DISLIKE = typeBit("dislike");

/**
 * One D1 batch: the consumed items, and the fold-in pairs when `forFoldIn` (a deployed model
 * uses them; before one exists the up to FOLD_IN_MAX_PAIRS rows would be read for nothing).
 */
export async function userPairs(
  db: D1Database,
  tenantId: string,
  userId: string,
  forFoldIn = true,
): Promise<UserPairs> {
  const mask = await consumedMask(db, tenantId);
  const statements = [
    db
      .prepare(`SELECT item_id, types FROM user_items WHERE tenant_id = ?1 AND user_id = ?2 AND (types & ?3) != 0`)
      .bind(tenantId, userId, mask),
  ];
  if (forFoldIn)
    statements.push(
      db
        .prepare(
          `SELECT item_id, positive, latest_is_dislike FROM user_items
           WHERE tenant_id = ?1 AND user_id = ?2 ORDER BY last_ts DESC, item_id LIMIT ?3`,
        )
        .bind(tenantId, userId, FOLD_IN_MAX_PAIRS),
    );
  const [consumed, pairs] = await db.batch<PairRow | ConsumedRow>(statements);
  const rows = pairs ? (pairs as D1Result<PairRow>).results : [];
  const out: UserPairs = { items: [], values: [], consumed: new Map() };
  for (const r of rows) {
    out.items.push(r.item_id);
    out.values.push(pairValue(r.positive, r.latest_is_dislike === 1, 1));
  }
  for (const r of (consumed as D1Result<ConsumedRow>).results) {
    const seen = r.types & mask;
    out.consumed.set(r.item_id, seen & PURCHASE ? "bought" : seen & DISLIKE ? "disliked" : "consumed");
  }
  return out;
}

/**
 * A tenant's policy changes rarely: each isolate re-reads it at most every 30 s. The cache
 * holds the value, not the read's promise: workerd refuses to let one request wait on I/O
 * that another request started ("Cannot perform I/O on behalf of a different request",
 * measured under bench/serve's load), so concurrent first reads each read for themselves.
 */
const POLICY_TTL_MS = 30_000;
const masks = new TtlCache<string, number>(10_000, POLICY_TTL_MS, { maxBytes: 1 << 20, sizeOf: slotBytes });

/** The type bits of the tenant's `consumed_interaction_types` (purchase and dislike by default). */
export async function consumedMask(db: D1Database, tenantId: string): Promise<number> {
  const cached = masks.get(tenantId);
  if (cached !== undefined) return cached;
  const row = await db
    .prepare("SELECT settings FROM tenants WHERE id = ?1")
    .bind(tenantId)
    .first<{ settings: string }>();
  const mask = typeMask(
    row ? settingsOf({ settings: JSON.parse(row.settings) }).consumed_interaction_types : DEFAULT_CONSUMED_TYPES,
  );
  masks.set(tenantId, mask);
  return mask;
}

/** A settings change is seen at once in the isolate that made it (others within POLICY_TTL_MS). */
export function forgetConsumedPolicy(tenantId: string): void {
  masks.delete(tenantId);
}
