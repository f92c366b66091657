/** The D1 schema of the bookkeeping of exactly-once ingestion: applied batches, idempotent responses, dead letters. */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Queue batches already applied to D1: redelivery of one is a no-op (exactly-once in effect). */
export const ingestBatches = sqliteTable("ingest_batches", {
  batchId: text("batch_id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  kind: text("kind", { enum: ["items", "interactions"] }).notNull(),
  rows: integer("rows").notNull(),
  appliedAt: text("applied_at").notNull(),
  /** 1 once the batch's Parquet parts are written and catalogued: a redelivery then does nothing. */
  partsDone: integer("parts_done").notNull().default(0),
});

/** Responses of requests sent with an Idempotency-Key, replayed for 24 hours. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    tenantId: text("tenant_id").notNull(),
    key: text("key").notNull(),
    route: text("route").notNull(),
    bodyHash: text("body_hash").notNull(),
    status: integer("status"),
    response: text("response"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/** Messages that exhausted their retries, kept for an admin to inspect and replay. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id"),
    queue: text("queue").notNull(),
    body: text("body", { mode: "json" }).$type<unknown>().notNull(),
    attempts: integer("attempts").notNull(),
    receivedAt: text("received_at").notNull(),
    replayedAt: text("replayed_at"),
  },
  (t) => [index("dead_letters_tenant_idx").on(t.tenantId, t.receivedAt)],
);

export type DeadLetterRow = typeof deadLetters.$inferSelect;
