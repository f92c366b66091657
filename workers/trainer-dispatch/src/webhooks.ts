import { SIGNATURE_HEADER, signPayload } from "@edge-ml/core/auth/signatures";
import { log, nowIso } from "./jobs";

/**
 * Webhooks (classifier-api.md "Webhooks"): one webhook_deliveries row per subscribed
 * webhook and event, then a `{ delivery_id }` message; the consumer POSTs the payload
 * signed with the webhook's secret (X-EdgeML-Signature, core/auth/signatures.ts), retries
 * with backoff through the queue and records every attempt's outcome on the row.
 * The api writes the same rows and messages for its own events (model.deployed, ...).
 */
export type WebhookEvent = "training.started" | "training.completed" | "training.failed";

export async function emitWebhookEvent(
  env: Pick<DispatchEnv, "DB" | "WEBHOOK_QUEUE">,
  tenantId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
): Promise<number> {
  const { results } = await env.DB.prepare("SELECT id, events FROM webhooks WHERE tenant_id = ? AND status = 'active'")
    .bind(tenantId)
    .all<{ id: string; events: string }>();
  const subscribed = results.filter((w) => {
    const events = JSON.parse(w.events) as string[];
    return events.includes(event) || events.includes("*");
  });
  if (subscribed.length === 0) return 0;
  const now = nowIso();
  const payload = { event, timestamp: now, data, correlation_id: crypto.randomUUID() };
  const ids = subscribed.map(() => crypto.randomUUID());
  await env.DB.batch(
    subscribed.map((w, i) =>
      env.DB.prepare(
        "INSERT INTO webhook_deliveries (id, webhook_id, tenant_id, event, payload, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
      ).bind(ids[i]!, w.id, tenantId, event, JSON.stringify(payload), now),
    ),
  );
  await env.WEBHOOK_QUEUE.sendBatch(ids.map((delivery_id) => ({ body: { delivery_id } })));
  return ids.length;
}

/** Emits without letting a webhook problem fail the state change that caused it. */
export async function emitSafely(
  env: Pick<DispatchEnv, "DB" | "WEBHOOK_QUEUE">,
  tenantId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
): Promise<void> {
  try {
    await emitWebhookEvent(env, tenantId, event, data);
  } catch (e) {
    log("ERROR", "Could not queue webhook event", { tenant_id: tenantId, event, error: String(e) });
  }
}

export function webhookRetryDelaySeconds(env: DispatchEnv, attempts: number): number {
  return Math.min(3600, Math.round(Number(env.WEBHOOK_RETRY_BASE_SECONDS) * 2 ** Math.max(0, attempts - 1)));
}

type DeliveryRow = {
  id: string;
  tenant_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  url: string | null;
  secret: string | null;
  webhook_status: string | null;
};

/** One delivery attempt; acks or retries the message. */
export async function deliverWebhook(msg: Message<unknown>, env: DispatchEnv): Promise<void> {
  const id = (msg.body as { delivery_id?: unknown } | null)?.delivery_id;
  if (typeof id !== "string") {
    log("WARN", "Dropping a malformed webhook message", { message_id: msg.id });
    msg.ack();
    return;
  }
  const row = await env.DB.prepare(
    `SELECT d.id, d.tenant_id, d.event, d.payload, d.status, d.attempts, w.url, w.secret, w.status AS webhook_status
       FROM webhook_deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id AND w.tenant_id = d.tenant_id
      WHERE d.id = ?`,
  )
    .bind(id)
    .first<DeliveryRow>();
  if (!row || row.status !== "pending") {
    msg.ack(); // unknown, or already delivered / failed: a redelivery does nothing
    return;
  }
  if (!row.url || !row.secret || row.webhook_status !== "active") {
    await record(env, row.id, "failed", row.attempts, null, "webhook deleted or disabled");
    msg.ack();
    return;
  }
  const attempts = row.attempts + 1;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(row.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signPayload(row.secret, row.payload),
        "X-EdgeML-Event": row.event,
        "X-EdgeML-Delivery": row.id,
        "user-agent": "edge-ml-webhooks/1",
      },
      body: row.payload,
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    await res.body?.cancel();
    if (!res.ok) error = `receiver answered ${res.status}`;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  if (error === null) {
    await record(env, row.id, "delivered", attempts, status, null);
    msg.ack();
  } else if (attempts >= Number(env.WEBHOOK_MAX_ATTEMPTS)) {
    await record(env, row.id, "failed", attempts, status, `${error} (gave up after ${attempts} attempts)`);
    log("WARN", "Webhook delivery failed for good", { delivery_id: row.id, attempts, error });
    msg.ack();
  } else {
    await record(env, row.id, "pending", attempts, status, error);
    msg.retry({ delaySeconds: webhookRetryDelaySeconds(env, attempts) });
  }
}

async function record(
  env: DispatchEnv,
  id: string,
  status: "pending" | "delivered" | "failed",
  attempts: number,
  code: number | null,
  error: string | null,
): Promise<void> {
  await env.DB.prepare(
    "UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, delivered_at = ? WHERE id = ?",
  )
    .bind(status, attempts, code, error, status === "delivered" ? nowIso() : null, id)
    .run();
}
