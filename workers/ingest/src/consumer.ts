import { loadBatch } from "@edge-ml/core/ingest/intake";
import type { IngestMessage, IngestQueueMessage } from "@edge-ml/core/ingest/rows";
import { groupBy } from "@edge-ml/core/util/group-by";
import { applyInteractions, type AppliedEvents } from "./apply-interactions";
import { applyItems } from "./apply-items";
import { writeEventParts } from "./write-event-parts";
import { backgroundLogger } from "../../shared/logger";

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
 * names no record throws, so it ends in the dead-letter queue rather than vanishing. Items
 * are applied whole; events return what is left to write (their Parquet part), which the
 * consumer writes for all of a tenant's messages in the queue batch at once.
 */
export async function applyMessage(env: IngestEnv, body: unknown): Promise<AppliedEvents | undefined> {
  if (!isIngestMessage(body)) throw new Error("not an ingest message (v1 or v2)");
  let msg: IngestMessage;
  if (body.v === 2) {
    const loaded = await loadBatch(env.DB, body);
    if (loaded === "complete") return;
    if (!loaded) throw new Error(`no intake record for batch ${body.batch_id}`);
    msg = loaded;
  } else msg = body;
  if (msg.kind === "items") return void (await applyItems(env, msg));
  return applyInteractions(env, msg);
}

/** Messages of one batch applied at once: their D1, R2 and catalogue waits overlap. */
export const CONSUMER_CONCURRENCY = 6;

/**
 * Two steps. First each message's own effects, a few at a time (their D1, R2 and catalogue
 * waits overlap): items whole, events their D1 rows. A message that fails there is retried on
 * its own (with backoff); after max_retries the queue moves it to the dead-letter queue.
 * Then, per tenant, one Parquet part for all its messages of events (write-event-parts.ts);
 * they are acknowledged together once it is listed, or retried together (their D1 rows are
 * not applied again). Acknowledgements keep the batch's order.
 */
export async function consumeIngest(batch: MessageBatch<unknown>, env: IngestEnv): Promise<void> {
  const pending: { at: number; msg: Message<unknown>; applied: AppliedEvents }[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(CONSUMER_CONCURRENCY, batch.messages.length) }, async () => {
    while (next < batch.messages.length) {
      const at = next++;
      const msg = batch.messages[at]!;
      await attempt([msg], env, async () => {
        const applied = await applyMessage(env, msg.body);
        if (applied) pending.push({ at, msg, applied });
        else msg.ack();
      });
    }
  });
  await Promise.all(lanes);
  const byTenant = groupBy(
    pending.sort((a, b) => a.at - b.at),
    (p) => p.applied.batch.tenant_id,
  );
  await Promise.all(
    [...byTenant].map(([tenantId, group]) =>
      attempt(
        group.map((p) => p.msg),
        env,
        async () => {
          await writeEventParts(
            env,
            tenantId,
            group.map((p) => p.applied),
          );
          for (const p of group) p.msg.ack();
        },
      ),
    ),
  );
}

/** Runs `step`; when it throws, every message of `msgs` is retried with backoff (and logged). */
async function attempt(msgs: Message<unknown>[], env: IngestEnv, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (e) {
    for (const msg of msgs) {
      backgroundLogger("ingest").error("Ingest message failed; will retry", {
        message_id: msg.id,
        attempts: msg.attempts,
        error: String(e),
      });
      msg.retry({ delaySeconds: retryDelaySeconds(env, msg.attempts) });
    }
  }
}
