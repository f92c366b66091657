import { and, eq, inArray } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "@edge-ml/core/db/schema";
import { webhookPayload, type WebhookEvent, type WebhookQueueMessage } from "@edge-ml/core/schemas";
import { getDb } from "../../lib/db";

/**
 * Emits one webhook event: a `webhook_deliveries` row (pending) per active webhook of the
 * tenant subscribed to `event`, then one `{ delivery_id }` message each on WEBHOOK_QUEUE.
 * workers/trainer-dispatch consumes that queue, signs the stored payload with the webhook's
 * secret (X-EdgeML-Signature) and POSTs it, retrying with backoff and recording the outcome.
 *
 * The rows are written before the messages, so a consumer never sees an id it cannot load.
 * When the queue refuses, the rows are marked failed (the tenant sees why in the deliveries
 * list) and the error is thrown for the caller to log: an event never undoes what caused it.
 * Returns the delivery ids (empty when nobody subscribed).
 */
export async function emitWebhookEvent(
  env: Pick<ApiEnv, "DB" | "WEBHOOK_QUEUE">,
  tenantId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
  correlationId: string,
): Promise<string[]> {
  const db = getDb(env.DB);
  const subscribed = (
    await db
      .select({ id: webhooks.id, events: webhooks.events })
      .from(webhooks)
      .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.status, "active")))
  ).filter((w) => w.events.includes(event));
  if (subscribed.length === 0) return [];

  const now = new Date();
  const payload = webhookPayload(event, data, correlationId, now);
  const rows = subscribed.map((w) => ({
    id: crypto.randomUUID(),
    webhookId: w.id,
    tenantId,
    event,
    payload,
    status: "pending" as const,
    createdAt: now.toISOString(),
  }));
  // One statement per row: D1 binds at most 100 parameters per statement.
  const [first, ...rest] = rows.map((r) => db.insert(webhookDeliveries).values(r));
  await db.batch([first!, ...rest]);

  const ids = rows.map((r) => r.id);
  try {
    await env.WEBHOOK_QUEUE.sendBatch(
      ids.map((id) => ({ body: { delivery_id: id } satisfies WebhookQueueMessage, contentType: "json" as const })),
    );
  } catch (err) {
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: `could not enqueue the delivery: ${String(err)}` })
      .where(inArray(webhookDeliveries.id, ids));
    throw err;
  }
  return ids;
}
