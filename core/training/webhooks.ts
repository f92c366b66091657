import type { WebhookEvent, WebhookPayload } from "../schemas/webhooks";
import type { WebhookQueueMessage } from "./messages";

/**
 * The one webhook emitter (classifier-api.md "Webhooks"), used by the api (model.deployed,
 * jobs that fail at once) and the dispatcher (training.*): a pending `webhook_deliveries` row
 * per active webhook of the tenant subscribed to the event, then a `{ delivery_id }` message
 * each on the webhook queue, which workers/trainer-dispatch consumes (signs, POSTs, retries).
 *
 * A webhook is subscribed to the events it lists, by name: the contract lists events and no
 * wildcard, and the api refuses any other value (core/schemas/webhooks.ts), so `"*"` is no
 * subscription (docs/decisions.md "Training core").
 *
 * The rows are written before the messages, so a consumer never sees an id it cannot load.
 * Rows the queue refused are marked failed with the reason, counted as an attempt, and stay
 * retryable: the dispatcher's sweep (`resendRefused`) sends them again until the attempts
 * reach the maximum, and the last refusal says it gave up.
 */
export type WebhookBindings = { DB: D1Database; WEBHOOK_QUEUE: Queue };

/** Starts the `last_error` of a row the queue refused: what the resend sweep looks for. */
export const ENQUEUE_REFUSED = "could not enqueue the delivery: ";

/** sendBatch takes at most 100 messages. */
const BATCH = 100;

export function webhookPayload(
  event: WebhookEvent,
  data: Record<string, unknown>,
  correlationId: string,
  now = new Date(),
): WebhookPayload {
  return { event, timestamp: now.toISOString(), data, correlation_id: correlationId };
}

/** Emits `event`; returns the delivery ids (none when nobody subscribed). Throws when the queue refused, after marking. */
export async function emitWebhookEvent(
  env: WebhookBindings,
  tenantId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
  correlationId: string = crypto.randomUUID(),
): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id, events FROM webhooks WHERE tenant_id = ? AND status = 'active'")
    .bind(tenantId)
    .all<{ id: string; events: string }>();
  const subscribed = results.filter((w) => (JSON.parse(w.events) as string[]).includes(event));
  if (subscribed.length === 0) return [];
  const now = new Date();
  const payload = JSON.stringify(webhookPayload(event, data, correlationId, now));
  const ids = subscribed.map(() => crypto.randomUUID());
  // One statement per row: D1 binds at most 100 parameters per statement.
  await env.DB.batch(
    subscribed.map((w, i) =>
      env.DB.prepare(
        "INSERT INTO webhook_deliveries (id, webhook_id, tenant_id, event, payload, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
      ).bind(ids[i]!, w.id, tenantId, event, payload, now.toISOString()),
    ),
  );
  await enqueue(env, ids, null);
  return ids;
}

/**
 * Sends again the rows the queue refused that have attempts left (the dispatcher's sweep,
 * every minute). Each is claimed back to pending first, conditionally, so two sweeps never
 * both send it. Returns how many were re-sent and how many were refused again.
 */
export async function resendRefused(
  env: WebhookBindings,
  maxAttempts: number,
): Promise<{ resent: number; refused: number }> {
  const { results } = await env.DB.prepare(
    "SELECT id, attempts FROM webhook_deliveries WHERE status = 'failed' AND last_status_code IS NULL AND substr(last_error, 1, ?) = ? AND attempts < ? ORDER BY created_at LIMIT ?",
  )
    .bind(ENQUEUE_REFUSED.length, ENQUEUE_REFUSED, maxAttempts, BATCH)
    .all<{ id: string; attempts: number }>();
  if (results.length === 0) return { resent: 0, refused: 0 };
  const claims = await env.DB.batch(
    results.map((r) =>
      env.DB.prepare(
        "UPDATE webhook_deliveries SET status = 'pending' WHERE id = ? AND status = 'failed' AND attempts = ?",
      ).bind(r.id, r.attempts),
    ),
  );
  const claimed = results.filter((_, i) => claims[i]!.meta.changes > 0).map((r) => r.id);
  try {
    await enqueue(env, claimed, maxAttempts);
    return { resent: claimed.length, refused: 0 };
  } catch {
    return { resent: 0, refused: claimed.length };
  }
}

/** Sends `{ delivery_id }` per id; a refused chunk is marked (see ENQUEUE_REFUSED) and the error rethrown. */
async function enqueue(env: WebhookBindings, ids: readonly string[], maxAttempts: number | null): Promise<void> {
  let refusal: unknown = null;
  for (let i = 0; i < ids.length; i += BATCH) {
    const chunk = ids.slice(i, i + BATCH);
    try {
      await env.WEBHOOK_QUEUE.sendBatch(
        chunk.map((id) => ({ body: { delivery_id: id } satisfies WebhookQueueMessage, contentType: "json" as const })),
      );
    } catch (err) {
      refusal = err;
      await markRefused(env.DB, chunk, `${ENQUEUE_REFUSED}${String(err)}`, maxAttempts);
    }
  }
  if (refusal !== null) throw refusal;
}

/** Failed, one attempt more, and the reason; at the last attempt (when known) it says it gave up. */
async function markRefused(db: D1Database, ids: readonly string[], reason: string, maxAttempts: number | null) {
  await db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1,
         last_error = ? || CASE WHEN attempts + 1 >= ? THEN ' (gave up after ' || (attempts + 1) || ' attempts)' ELSE '' END
       WHERE id IN (${ids.map(() => "?").join(", ")})`,
    )
    .bind(reason, maxAttempts, ...ids)
    .run();
}
