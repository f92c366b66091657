import { LABELS, POPULARITY_WEIGHTS } from "@edge-ml/core/ingest/labels";
import { typeBit } from "@edge-ml/core/recommend/consumed";
import { popularityIncrement } from "@edge-ml/core/ingest/popularity";
import type { IngestMessage, QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { applyOnce, partsDone } from "./apply-once";

export type Batch = Extract<IngestMessage, { kind: "interactions" }>;

export type AppliedEvents = { batch: Batch; fresh: boolean };

/**
 * The first half of a message of events: its D1 serving state, once per batch id (a
 * redelivery changes nothing). Returns the message while its Parquet part is still to be
 * written (write-event-parts.ts, which writes one part for all such messages of a tenant in
 * the queue batch); a message whose parts were listed by an earlier delivery is done.
 */
export async function applyInteractions(env: IngestEnv, msg: Batch): Promise<AppliedEvents | undefined> {
  const fresh = await applyOnce(env, msg, servingStatements(env, msg.tenant_id, msg.rows));
  if (!fresh && (await partsDone(env, msg.batch_id))) return undefined;
  return { batch: msg, fresh };
}

/**
 * History inserts and popularity increments. History is trimmed to the last
 * USER_HISTORY_LIMIT events per user by the scheduled housekeeping, not here: trimming per
 * message cost more than everything else the consumer does, and readers take the newest
 * USER_HISTORY_LIMIT anyway.
 */
function servingStatements(env: IngestEnv, tenantId: string, rows: QueuedInteraction[]): D1PreparedStatement[] {
  const history = rows.map((r) => [r.id, r.u, r.i, r.t, r.ts]);
  const popularity = new Map<string, { score: number; events: number; last: number }>();
  for (const r of rows) {
    const p = popularity.get(r.i) ?? { score: 0, events: 0, last: 0 };
    p.score += popularityIncrement(POPULARITY_WEIGHTS[r.t], r.ts);
    p.events++;
    p.last = Math.max(p.last, r.ts);
    popularity.set(r.i, p);
  }
  const pop = [...popularity].map(([item, p]) => [item, p.score, p.events, p.last]);
  const pairs = [...userItemPairs(rows).values()].map((p) => [
    p.u,
    p.i,
    p.positive,
    p.last,
    p.dislike ? 1 : 0,
    p.types,
  ]);
  // json_each: a whole message is one bound parameter (D1 allows 100 per statement).
  return [
    env.DB.prepare(
      `INSERT INTO user_history (tenant_id, interaction_id, user_id, item_id, interaction_type, ts)
       SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?2)`,
    ).bind(tenantId, JSON.stringify(history)),
    env.DB.prepare(
      `INSERT INTO item_popularity (tenant_id, item_id, score, events, last_event_at)
       SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2) WHERE true
       ON CONFLICT (tenant_id, item_id) DO UPDATE SET
         score = score + excluded.score,
         events = events + excluded.events,
         last_event_at = max(last_event_at, excluded.last_event_at)`,
    ).bind(tenantId, JSON.stringify(pop)),
    // The merge of core/ml/merge-rule.ts, commutative: positives add up, the latest event
    // (a tie to the dislike) decides whether the pair is a negative, type bits OR together.
    // SQLite evaluates every SET expression on the old row, so their order does not matter.
    env.DB.prepare(
      `INSERT INTO user_items (tenant_id, user_id, item_id, positive, last_ts, latest_is_dislike, types)
       SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?2) WHERE true
       ON CONFLICT (tenant_id, user_id, item_id) DO UPDATE SET
         positive = positive + excluded.positive,
         latest_is_dislike = CASE
           WHEN excluded.last_ts > last_ts THEN excluded.latest_is_dislike
           WHEN excluded.last_ts = last_ts THEN max(latest_is_dislike, excluded.latest_is_dislike)
           ELSE latest_is_dislike END,
         last_ts = max(last_ts, excluded.last_ts),
         types = types | excluded.types`,
    ).bind(tenantId, JSON.stringify(pairs)),
  ];
}

type Pair = { u: string; i: string; positive: number; last: number; dislike: boolean; types: number };

/**
 * A message's events folded per (user, item) by the rule of the SQL above. Times in unix
 * seconds, as the training data stores them, so that the trainer and serving see the same ties.
 */
export function userItemPairs(rows: readonly QueuedInteraction[]): Map<string, Pair> {
  const pairs = new Map<string, Pair>();
  for (const r of rows) {
    const k = `${r.u}\u0000${r.i}`;
    const label = LABELS[r.t];
    const ts = Math.floor(r.ts / 1000);
    const isDislike = !(label > 0);
    const p = pairs.get(k);
    if (!p) {
      pairs.set(k, {
        u: r.u,
        i: r.i,
        positive: isDislike ? 0 : label,
        last: ts,
        dislike: isDislike,
        types: typeBit(r.t),
      });
      continue;
    }
    if (!isDislike) p.positive += label;
    if (ts > p.last) p.dislike = isDislike;
    else if (ts === p.last) p.dislike ||= isDislike;
    p.last = Math.max(p.last, ts);
    p.types |= typeBit(r.t);
  }
  return pairs;
}
