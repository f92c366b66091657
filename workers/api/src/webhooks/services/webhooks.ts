import { and, count, desc, eq } from "drizzle-orm";
import { randomToken, sealedFor, sealSecret, type Keyring } from "@edge-ml/core/auth";
import { webhookDeliveries, webhooks, type WebhookRow } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import type { WebhookEvent, WebhookPayload } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";

/**
 * Webhook subscriptions of a tenant. The signing secret is generated here and returned by
 * `createWebhook` only; it is stored sealed (core/auth/sealed-secrets.ts: the sender needs
 * the secret itself to compute the HMAC, so a hash would not do, and a copy of D1 must not
 * hand it out) and no listing ever includes it.
 */
export const MAX_WEBHOOKS_PER_TENANT = 20;

export type WebhookRecord = {
  id: string;
  url: string;
  events: WebhookEvent[];
  status: "active" | "disabled";
  created_at: string;
};

function record(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEvent[],
    status: row.status,
    created_at: row.createdAt,
  };
}

export async function createWebhook(
  db: Db,
  tenantId: string,
  input: { url: string; events: WebhookEvent[] },
  keyring: Keyring,
): Promise<WebhookRecord & { secret: string }> {
  const [existing] = await db.select({ n: count() }).from(webhooks).where(eq(webhooks.tenantId, tenantId));
  if ((existing?.n ?? 0) >= MAX_WEBHOOKS_PER_TENANT) {
    throw new ApiError("conflict", `A tenant may have at most ${MAX_WEBHOOKS_PER_TENANT} webhooks; delete one first`, {
      limit: MAX_WEBHOOKS_PER_TENANT,
    });
  }
  const secret = `whsec_${randomToken(32)}`;
  const id = crypto.randomUUID();
  const [row] = await db
    .insert(webhooks)
    .values({
      id,
      tenantId,
      url: input.url,
      events: input.events,
      secret: await sealSecret(keyring, secret, sealedFor.webhook(id)),
      status: "active",
      createdAt: new Date().toISOString(),
    })
    .returning();
  return { ...record(row!), secret };
}

export async function listWebhooks(db: Db, tenantId: string): Promise<WebhookRecord[]> {
  const rows = await db
    .select()
    .from(webhooks)
    .where(eq(webhooks.tenantId, tenantId))
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
  return rows.map(record);
}

/** Deletes the webhook and its delivery history (cascade); queued deliveries of it are dropped by the sender. */
export async function deleteWebhook(db: Db, tenantId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(webhooks)
    .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.id, id)))
    .returning({ id: webhooks.id });
  if (deleted.length === 0) throw errors.notFound("Webhook");
}

export async function listDeliveries(db: Db, tenantId: string, webhookId: string, limit: number, offset: number) {
  const [hook] = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.id, webhookId)));
  if (!hook) throw errors.notFound("Webhook");
  const where = and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.webhookId, webhookId));
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(webhookDeliveries)
      .where(where)
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(webhookDeliveries).where(where),
  ]);
  return {
    deliveries: rows.map((r) => ({
      id: r.id,
      webhook_id: r.webhookId,
      event: r.event as WebhookEvent,
      status: r.status,
      attempts: r.attempts,
      last_status_code: r.lastStatusCode,
      last_error: r.lastError,
      created_at: r.createdAt,
      delivered_at: r.deliveredAt,
      payload: r.payload as WebhookPayload,
    })),
    total: total?.n ?? 0,
    limit,
    offset,
  };
}
