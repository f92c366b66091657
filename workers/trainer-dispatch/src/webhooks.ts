import { SIGNATURE_HEADER, signPayload } from "@edge-ml/core/auth/signatures";
import type { WebhookEvent } from "@edge-ml/core/schemas/webhooks";
import { nowIso } from "@edge-ml/core/training/jobs";
import { isWebhookQueueMessage } from "@edge-ml/core/training/messages";
import { emitWebhookEvent, resendRefused } from "@edge-ml/core/training/webhooks";
import { log } from "./jobs";
import { webhookSecret } from "./secrets";

/**
 * Webhook deliveries (classifier-api.md "Webhooks"): the rows and `{ delivery_id }` messages
 * come from the one emitter (core/training/webhooks.ts), the api's and this worker's; this
 * consumer POSTs each payload signed with the webhook's secret (X-EdgeML-Signature,
 * core/auth/signatures.ts), retries with backoff through the queue and records every
 * attempt's outcome on the row.
 */
/** The job events, and `model.deployed` for a tenant's first classifier (deployed on registration). */
type TrainingEvent = Extract<WebhookEvent, `training.${string}` | "model.deployed">;

/** Emits without letting a webhook problem fail the state change that caused it. */
export async function emitSafely(
  env: Pick<DispatchEnv, "DB" | "WEBHOOK_QUEUE">,
  tenantId: string,
  event: TrainingEvent,
  data: Record<string, unknown>,
): Promise<void> {
  try {
    await emitWebhookEvent(env, tenantId, event, data);
  } catch (e) {
    log("ERROR", "Could not queue webhook event", { tenant_id: tenantId, event, error: String(e) });
  }
}

/**
 * The sweep's part (every minute): deliveries the queue refused are sent again until their
 * attempts reach WEBHOOK_MAX_ATTEMPTS, the last refusal marking them failed for good.
 */
export async function resendRefusedDeliveries(env: DispatchEnv): Promise<number> {
  const { resent, refused } = await resendRefused(env, Number(env.WEBHOOK_MAX_ATTEMPTS));
  if (resent + refused > 0) log(refused ? "WARN" : "INFO", "Re-sent refused webhook deliveries", { resent, refused });
  return resent;
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
  webhook_id: string | null;
  /** Sealed (core/auth/sealed-secrets.ts); opened only to sign. */
  secret: string | null;
  webhook_status: string | null;
};

/** One delivery attempt; acks or retries the message. */
export async function deliverWebhook(msg: Message<unknown>, env: DispatchEnv): Promise<void> {
  if (!isWebhookQueueMessage(msg.body)) {
    log("WARN", "Dropping a malformed webhook message", { message_id: msg.id });
    msg.ack();
    return;
  }
  const id = msg.body.delivery_id;
  const row = await env.DB.prepare(
    `SELECT d.id, d.tenant_id, d.event, d.payload, d.status, d.attempts, w.id AS webhook_id, w.url, w.secret, w.status AS webhook_status
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
    // Inside the try: a secret that does not open (no SECRETS_KEY) is this attempt's error.
    const secret = await webhookSecret(env, row.webhook_id!, row.secret);
    const res = await fetch(row.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signPayload(secret, row.payload),
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
