import { packRows, type IngestMessage, type QueuedInteraction, type QueuedItem } from "@edge-ml/core/ingest/rows";
import { sha256Hex } from "@edge-ml/core/auth";

/** sendBatch takes at most 100 messages and 256 KB (UTF-8 bytes); messages are packed under 120 KB each. */
const SEND_BATCH_BYTES = 240 * 1024;
const encoder = new TextEncoder();

/** A UUID-shaped id derived from its inputs: the same request sent again gets the same ids. */
export async function derivedId(...parts: string[]): Promise<string> {
  const h = await sha256Hex(parts.join("\u0000"));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Puts accepted rows on the ingest queue. With an idempotency key the batch ids are derived
 * from it, so a retried request (after a partial failure too) produces the same batches and
 * the consumer applies each once.
 */
export async function enqueueRows(
  queue: Queue<IngestMessage>,
  tenantId: string,
  kind: "items" | "interactions",
  rows: QueuedItem[] | QueuedInteraction[],
  idempotencyKey?: string,
): Promise<number> {
  const packs = packRows<QueuedItem | QueuedInteraction>(rows);
  const messages: IngestMessage[] = [];
  for (const [i, pack] of packs.entries()) {
    const batchId = idempotencyKey ? await derivedId(tenantId, idempotencyKey, kind, String(i)) : crypto.randomUUID();
    messages.push({ v: 1, kind, tenant_id: tenantId, batch_id: batchId, rows: pack } as IngestMessage);
  }
  let chunk: IngestMessage[] = [];
  let size = 0;
  for (const m of messages) {
    const n = encoder.encode(JSON.stringify(m)).length;
    if (chunk.length > 0 && (size + n > SEND_BATCH_BYTES || chunk.length === 100)) {
      await queue.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
      chunk = [];
      size = 0;
    }
    chunk.push(m);
    size += n;
  }
  if (chunk.length > 0) await queue.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
  return messages.length;
}
