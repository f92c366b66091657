import { deadStatement } from "@edge-ml/core/ingest/intake";
import { backgroundLogger } from "../../shared/logger";

/**
 * The dead-letter queue's consumer: every message that exhausted its retries is stored in
 * D1 (keyed by message id, so a redelivered dead letter is stored once) for an admin to
 * inspect and replay (GET/POST /api/v1/admin/dead-letters). The batch a dead letter names
 * is marked dead in the intake, so the sweeper stops sending a message that cannot succeed.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: IngestEnv): Promise<void> {
  const insert = env.DB.prepare(
    "INSERT OR IGNORE INTO dead_letters (id, tenant_id, queue, body, attempts, received_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const statements = batch.messages.map((m) => {
    const body = m.body as { tenant_id?: unknown } | null;
    const tenantId = body && typeof body.tenant_id === "string" ? body.tenant_id : null;
    return insert.bind(m.id, tenantId, batch.queue, JSON.stringify(m.body), m.attempts, new Date().toISOString());
  });
  const now = Date.now();
  const dead = batch.messages.flatMap((m) => {
    const batchId = (m.body as { batch_id?: unknown } | null)?.batch_id;
    return typeof batchId === "string" ? [deadStatement(env.DB, batchId, now)] : [];
  });
  await env.DB.batch([...statements, ...dead]);
  for (const m of batch.messages) {
    backgroundLogger("ingest").warn("Dead letter stored", { message_id: m.id });
  }
  batch.ackAll();
}
