import { IDEMPOTENCY_TTL_MS } from "@edge-ml/core/schemas";

/** Idempotency keys older than their 24 h replay window are deleted by the scheduled run. */
export async function deleteExpiredIdempotencyKeys(env: IngestEnv, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - IDEMPOTENCY_TTL_MS).toISOString();
  const res = await env.DB.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(cutoff).run();
  return res.meta.changes ?? 0;
}
