/** The D1 schema of the bookkeeping of exactly-once ingestion: applied batches, idempotent responses, dead letters. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants } from "./access";

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

/**
 * Every accepted batch, written before the 202 (docs/decisions.md, "Durable intake"): the
 * queue message only names it, and a sweeper re-enqueues any batch not complete by `due_at`.
 * The rows (`payload`, JSON) are dropped once the batch is complete; the row itself stays for
 * the Idempotency-Key replay window, so a replay can tell a complete batch from a lost one.
 */
export const intakeBatches = sqliteTable(
  "intake_batches",
  {
    batchId: text("batch_id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["items", "interactions"] }).notNull(),
    rows: integer("rows").notNull(),
    payload: text("payload"),
    idempotencyKey: text("idempotency_key"),
    acceptedAt: text("accepted_at").notNull(),
    /** Unix ms after which a batch still incomplete is sent again; moved on at each send. */
    dueAt: integer("due_at").notNull(),
    /** How many times it was put on the queue (the first send included). */
    enqueues: integer("enqueues").notNull().default(1),
    /** D1 rows and Parquet parts (items: their vectors) written: ingest_batches.parts_done = 1. */
    completedAt: text("completed_at"),
    /** Its message went to the dead-letter queue: the sweeper leaves it to an admin's replay. */
    deadAt: text("dead_at"),
  },
  (t) => [
    index("intake_batches_due_idx")
      .on(t.dueAt)
      .where(sql`completed_at IS NULL AND dead_at IS NULL`),
    index("intake_batches_key_idx").on(t.tenantId, t.idempotencyKey),
  ],
);

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
