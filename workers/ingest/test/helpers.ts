import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { IngestMessage, QueuedInteraction } from "@edge-ml/core/ingest/rows";
import worker from "../src/index";

export const ingestEnv = env as unknown as IngestEnv;

export async function createTenant(id = crypto.randomUUID()): Promise<string> {
  const now = new Date().toISOString();
  await ingestEnv.DB.prepare(
    "INSERT INTO tenants (id, name, plan, status, settings, created_at, updated_at) VALUES (?, 'T', 'pro', 'active', '{}', ?, ?)",
  )
    .bind(id, now, now)
    .run();
  return id;
}

export function events(n: number, day = "2026-11-20", offset = 0): QueuedInteraction[] {
  return Array.from({ length: n }, (_, i) => ({
    id: crypto.randomUUID(),
    u: `u${(i + offset) % 5}`,
    i: `item${(i + offset) % 9}`,
    t: i % 3 === 0 ? "purchase" : "view",
    ts: Date.parse(`${day}T12:00:00Z`) + i * 1000,
  }));
}

export function message(tenantId: string, rows: QueuedInteraction[], batchId = crypto.randomUUID()): IngestMessage {
  return { v: 1, kind: "interactions", tenant_id: tenantId, batch_id: batchId, rows };
}

/** Delivers messages to the real queue handler as the Queues runtime would, and returns what it acked and retried. */
export async function deliver(messages: IngestMessage[], handlerEnv: IngestEnv = ingestEnv, attempts = 1) {
  const batch = createMessageBatch<IngestMessage>(
    "edge-ml-ingest",
    messages.map((body, i) => ({ id: `m${i}-${body.batch_id}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, handlerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks, retried: result.retryMessages.map((m) => m.msgId) };
}

export const countRows = async (sql: string, ...params: unknown[]) =>
  (
    await ingestEnv.DB.prepare(sql)
      .bind(...params)
      .first<{ n: number }>()
  )?.n ?? 0;
