import type { IngestMessage } from "@edge-ml/core/ingest/rows";
import { applyInteractions } from "./apply-interactions";
import { applyItems } from "./apply-items";

/** Retry delay doubles per attempt from INGEST_RETRY_BASE_SECONDS, capped at 5 minutes. */
export function retryDelaySeconds(env: IngestEnv, attempts: number): number {
  const base = Number(env.INGEST_RETRY_BASE_SECONDS);
  return Math.min(300, Math.round(base * 2 ** Math.max(0, attempts - 1)));
}

function isIngestMessage(body: unknown): body is IngestMessage {
  const b = body as Partial<IngestMessage> | null;
  return (
    !!b &&
    b.v === 1 &&
    (b.kind === "items" || b.kind === "interactions") &&
    typeof b.tenant_id === "string" &&
    typeof b.batch_id === "string" &&
    Array.isArray(b.rows)
  );
}

export async function applyMessage(env: IngestEnv, body: unknown): Promise<void> {
  if (!isIngestMessage(body)) throw new Error("not an ingest message (v1)");
  if (body.kind === "items") await applyItems(env, body);
  else await applyInteractions(env, body);
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
