/**
 * Durable intake (docs/decisions.md): an accepted batch is a row of `intake_batches` before
 * its 202, the queue message names it, and a batch not complete by its `due_at` is sent
 * again by the sweeper (the ingest worker's cron, the api's IntakeSweeper alarm) or by an
 * Idempotency-Key replay. Complete means its D1 rows and its Parquet parts (items: vectors)
 * are written. Bindings arrive as parameters: the api and the ingest worker both call this.
 */
import type { IngestMessage, IngestRef, QueuedInteraction, QueuedItem } from "./rows";

export type IntakeBatch =
  | { kind: "interactions"; tenant_id: string; batch_id: string; rows: QueuedInteraction[] }
  | { kind: "items"; tenant_id: string; batch_id: string; rows: QueuedItem[] };

/**
 * How long a batch may stay incomplete before it is sent again. Longer than the queue's own
 * retries of one message (2+4+8+16+32 s at the default backoff), so a sweep rarely duplicates
 * a delivery that is still being retried; duplicates are harmless, only wasted work.
 */
export const DEFAULT_SWEEP_AFTER_MS = 300_000;

export function sweepAfterMs(seconds: string | undefined): number {
  const s = Number(seconds);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_SWEEP_AFTER_MS;
}

/**
 * The inserts that make batches durable, for the caller's one D1 batch (a transaction, with
 * the Idempotency-Key's stored response beside them). OR IGNORE: two concurrent requests with
 * one key derive the same batch ids, and the first one's rows stand.
 */
export function intakeInserts(
  db: D1Database,
  batches: readonly IntakeBatch[],
  idempotencyKey: string | undefined,
  now: number,
  sweepAfter: number,
): D1PreparedStatement[] {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO intake_batches (batch_id, tenant_id, kind, rows, payload, idempotency_key, accepted_at, due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = new Date(now).toISOString();
  return batches.map((b) =>
    insert.bind(
      b.batch_id,
      b.tenant_id,
      b.kind,
      b.rows.length,
      JSON.stringify(b.rows),
      idempotencyKey ?? null,
      at,
      now + sweepAfter,
    ),
  );
}

export const refOf = (b: { kind: IngestRef["kind"]; tenant_id: string; batch_id: string }): IngestRef => ({
  v: 2,
  kind: b.kind,
  tenant_id: b.tenant_id,
  batch_id: b.batch_id,
});

/** sendBatch takes at most 100 messages; a reference is about 150 bytes, far under 256 KB. */
export async function sendRefs(queue: Queue, refs: readonly IngestRef[]): Promise<void> {
  for (let i = 0; i < refs.length; i += 100) {
    await queue.sendBatch(refs.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
}

type Claimed = { batch_id: string; tenant_id: string; kind: IngestRef["kind"] };

/**
 * Claims and sends again every batch past its due time: the claim moves `due_at` on in the
 * same statement, so two sweepers at once (cron and alarm) never both send a batch, and a
 * send that fails is retried by the next sweep after the bound. Returns how many it sent.
 */
export async function sweepDue(
  db: D1Database,
  queue: Queue,
  now: number,
  sweepAfter: number,
  limit = 500,
): Promise<number> {
  const { results } = await db
    .prepare(
      `UPDATE intake_batches SET due_at = ?1, enqueues = enqueues + 1
       WHERE batch_id IN (SELECT batch_id FROM intake_batches
                          WHERE completed_at IS NULL AND dead_at IS NULL AND due_at <= ?2
                          ORDER BY due_at LIMIT ?3)
       RETURNING batch_id, tenant_id, kind`,
    )
    .bind(now + sweepAfter, now, limit)
    .all<Claimed>();
  await sendRefs(queue, results.map(refOf));
  return results.length;
}

/**
 * An Idempotency-Key replay: the request's batches that are not complete (lost, or still on
 * their way) are sent again now. Dead-lettered ones are left to an admin's replay. Returns
 * how many it sent.
 */
export async function resendIncomplete(
  db: D1Database,
  queue: Queue,
  tenantId: string,
  idempotencyKey: string,
  now: number,
  sweepAfter: number,
): Promise<number> {
  const { results } = await db
    .prepare(
      `UPDATE intake_batches SET due_at = ?1, enqueues = enqueues + 1
       WHERE tenant_id = ?2 AND idempotency_key = ?3 AND completed_at IS NULL AND dead_at IS NULL
       RETURNING batch_id, tenant_id, kind`,
    )
    .bind(now + sweepAfter, tenantId, idempotencyKey)
    .all<Claimed>();
  await sendRefs(queue, results.map(refOf));
  return results.length;
}

/** The rows a reference names; "complete" when the batch needs nothing more, undefined when unknown. */
export async function loadBatch(db: D1Database, ref: IngestRef): Promise<IngestMessage | "complete" | undefined> {
  const row = await db
    .prepare("SELECT payload, completed_at FROM intake_batches WHERE batch_id = ? AND tenant_id = ?")
    .bind(ref.batch_id, ref.tenant_id)
    .first<{ payload: string | null; completed_at: string | null }>();
  if (!row) return undefined;
  if (row.completed_at !== null || row.payload === null) return "complete";
  return {
    v: 1,
    kind: ref.kind,
    tenant_id: ref.tenant_id,
    batch_id: ref.batch_id,
    rows: JSON.parse(row.payload),
  } as IngestMessage;
}

/** Marks a batch complete and drops its rows, which D1 and Parquet now hold. */
export function completeStatement(db: D1Database, batchId: string, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE intake_batches SET completed_at = ?, payload = NULL WHERE batch_id = ? AND completed_at IS NULL")
    .bind(new Date(now).toISOString(), batchId);
}

/** A dead-lettered batch: the sweeper skips it (a message that cannot succeed is an admin's to replay). */
export function deadStatement(db: D1Database, batchId: string, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE intake_batches SET dead_at = ? WHERE batch_id = ? AND completed_at IS NULL")
    .bind(new Date(now).toISOString(), batchId);
}

/** A replayed dead letter: the sweeper watches its batch again from now. */
export function revivedStatement(
  db: D1Database,
  batchId: string,
  now: number,
  sweepAfter: number,
): D1PreparedStatement {
  return db
    .prepare("UPDATE intake_batches SET dead_at = NULL, due_at = ? WHERE batch_id = ?")
    .bind(now + sweepAfter, batchId);
}
