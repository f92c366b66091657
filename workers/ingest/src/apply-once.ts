import { completeStatement } from "@edge-ml/core/ingest/intake";
import type { IngestMessage } from "@edge-ml/core/ingest/rows";

/**
 * Runs a message's D1 statements in one transaction together with the insert of its batch
 * id: a batch applied before (redelivery, replay after success) fails on the batch id's
 * primary key and changes nothing. Returns false when it had been applied already.
 */
export async function applyOnce(
  env: IngestEnv,
  msg: IngestMessage,
  statements: D1PreparedStatement[],
): Promise<boolean> {
  const marker = env.DB.prepare(
    "INSERT INTO ingest_batches (batch_id, tenant_id, kind, rows, applied_at) VALUES (?, ?, ?, ?, ?)",
  ).bind(msg.batch_id, msg.tenant_id, msg.kind, msg.rows.length, new Date().toISOString());
  try {
    await env.DB.batch([marker, ...statements]);
    return true;
  } catch (e) {
    if (/UNIQUE constraint failed: ingest_batches\.batch_id/.test(String(e))) return false;
    throw e;
  }
}

/** True when the batch's files were written and catalogued by an earlier delivery. */
export async function partsDone(env: IngestEnv, batchId: string): Promise<boolean> {
  const row = await env.DB.prepare("SELECT parts_done FROM ingest_batches WHERE batch_id = ?")
    .bind(batchId)
    .first<{ parts_done: number }>();
  return row?.parts_done === 1;
}

/**
 * The batch's last step is written (Parquet parts catalogued; items: vectors upserted): with
 * its D1 rows already committed it is complete, and its intake record drops the rows, so
 * neither the sweeper nor a replay sends it again.
 */
export async function markPartsDone(env: IngestEnv, batchIds: string | string[]): Promise<void> {
  const ids = typeof batchIds === "string" ? [batchIds] : batchIds;
  if (ids.length === 0) return;
  const now = Date.now();
  await env.DB.batch(
    ids.flatMap((id) => [
      env.DB.prepare("UPDATE ingest_batches SET parts_done = 1 WHERE batch_id = ?").bind(id),
      completeStatement(env.DB, id, now),
    ]),
  );
}
