import { loadBatch } from "@edge-ml/core/ingest/intake";
import type { IngestMessage, IngestQueueMessage } from "@edge-ml/core/ingest/rows";
import { applyInteractions } from "./apply-interactions";
import { applyItems } from "./apply-items";

/** Retry delay doubles per attempt from INGEST_RETRY_BASE_SECONDS, capped at 5 minutes. */
export function retryDelaySeconds(env: IngestEnv, attempts: number): number {
  const base = Number(env.INGEST_RETRY_BASE_SECONDS);
  return Math.min(300, Math.round(base * 2 ** Math.max(0, attempts - 1)));
}

function isIngestMessage(body: unknown): body is IngestQueueMessage {
  const b = body as { v?: unknown; kind?: unknown; tenant_id?: unknown; batch_id?: unknown; rows?: unknown } | null;
  return (
    !!b &&
    (b.v === 2 || (b.v === 1 && Array.isArray(b.rows))) &&
    (b.kind === "items" || b.kind === "interactions") &&
    typeof b.tenant_id === "string" &&
    typeof b.batch_id === "string"
  );
}

/**
 * v2 names a batch in intake_batches (durable intake); v1 carries its rows (dead letters
 * from before). A reference to a complete batch is a redelivery: nothing to do. One that
 * names no record throws, so it ends in the dead-letter queue rather than vanishing.
 */
export async function applyMessage(env: IngestEnv, body: unknown): Promise<void> {
  if (!isIngestMessage(body)) throw new Error("not an ingest message (v1 or v2)");
  let msg: IngestMessage;
  if (body.v === 2) {
    const loaded = await loadBatch(env.DB, body);
    if (loaded === "complete") return;
    if (!loaded) throw new Error(`no intake record for batch ${body.batch_id}`);
    msg = loaded;
  } else msg = body;
  if (msg.kind === "items") await applyItems(env, msg);
  else await applyInteractions(env, msg);
}

/** Messages of one batch applied at once: their D1, R2 and catalogue waits overlap. */
export const CONSUMER_CONCURRENCY = 6;

/**
 * Each message is acknowledged on its own as soon as it is applied, so a failure halfway
 * through a batch retries only the messages not yet applied (with backoff); after
 * max_retries the queue moves a message to the dead-letter queue. Messages are independent
 * (each is its own batch id and files), so a few are applied concurrently.
 */
export async function consumeIngest(batch: MessageBatch<unknown>, env: IngestEnv): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(CONSUMER_CONCURRENCY, batch.messages.length) }, async () => {
    while (next < batch.messages.length) await consumeOne(batch.messages[next++]!, env);
  });
  await Promise.all(lanes);
}

async function consumeOne(msg: Message<unknown>, env: IngestEnv): Promise<void> {
  try {
    await applyMessage(env, msg.body);
    msg.ack();
  } catch (e) {
    console.error(
      JSON.stringify({
        level: "ERROR",
        service: "ingest",
        message: "Ingest message failed; will retry",
        context: { message_id: msg.id, attempts: msg.attempts, error: String(e) },
      }),
    );
    msg.retry({ delaySeconds: retryDelaySeconds(env, msg.attempts) });
  }
}
