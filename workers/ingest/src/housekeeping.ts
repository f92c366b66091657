import { IDEMPOTENCY_TTL_MS, STORED_LIST_MAX_AGE_MS, USER_HISTORY_LIMIT } from "@edge-ml/core/schemas";

/** Idempotency keys older than their 24 h replay window are deleted by the scheduled run. */
export async function deleteExpiredIdempotencyKeys(env: IngestEnv, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - IDEMPOTENCY_TTL_MS).toISOString();
  const res = await env.DB.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(cutoff).run();
  return res.meta.changes ?? 0;
}

/**
 * Trims user_history to the newest USER_HISTORY_LIMIT events per user (ties broken by
 * arrival). Runs on the schedule rather than per message; readers take the newest
 * USER_HISTORY_LIMIT themselves, so a longer history in between changes no answer.
 */
export async function trimUserHistory(env: IngestEnv): Promise<number> {
  const res = await env.DB.prepare(
    `DELETE FROM user_history WHERE rowid IN (
       SELECT rowid FROM (
         SELECT rowid, ROW_NUMBER() OVER (PARTITION BY tenant_id, user_id ORDER BY ts DESC, rowid DESC) AS rn
         FROM user_history
       ) WHERE rn > ?1)`,
  )
    .bind(USER_HISTORY_LIMIT)
    .run();
  return res.meta.changes ?? 0;
}

/**
 * Stored recommendation lists older than STORED_LIST_MAX_AGE_MS are never served again: the
 * table keeps a row per recently active user, not one per user ever seen.
 */
export async function deleteExpiredLists(env: IngestEnv, now = Date.now()): Promise<number> {
  const res = await env.DB.prepare("DELETE FROM recommendation_lists WHERE computed_at < ?")
    .bind(now - STORED_LIST_MAX_AGE_MS)
    .run();
  return res.meta.changes ?? 0;
}

/**
 * Complete intake records outlive their rows only for the Idempotency-Key replay window (a
 * replay asks whether its batches are complete); incomplete ones stay until they are.
 */
export async function deleteCompletedIntake(env: IngestEnv, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - IDEMPOTENCY_TTL_MS).toISOString();
  const res = await env.DB.prepare("DELETE FROM intake_batches WHERE completed_at < ?").bind(cutoff).run();
  return res.meta.changes ?? 0;
}
