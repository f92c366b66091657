/** The D1 schema of what serving reads: items, users' histories and pairs, stored lists, popularity. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants } from "./access";

/**
 * A tenant's catalogue. `accepted_at` orders updates: a redelivered older message never
 * overwrites a newer one. Keyword search runs on the FTS5 table `items_fts` (external
 * content, kept in sync by triggers; migration 0003, hand-written: drizzle has no FTS5).
 */
export const items = sqliteTable(
  "items",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    itemId: text("item_id").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    category: text("category"),
    tags: text("tags", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    metadata: text("metadata", { mode: "json" })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    acceptedAt: integer("accepted_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.itemId] }),
    index("items_tenant_category_idx").on(t.tenantId, t.category),
  ],
);

/** The last USER_HISTORY_LIMIT events per user, for serving (not the training data: that is Parquet on R2). */
export const userHistory = sqliteTable(
  "user_history",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    interactionId: text("interaction_id").notNull(),
    userId: text("user_id").notNull(),
    itemId: text("item_id").notNull(),
    interactionType: text("interaction_type").notNull(),
    ts: integer("ts").notNull(),
  },
  // No key on interaction_id: a batch's rows are inserted in the transaction that records
  // its batch id, which already makes them exactly-once, and a second index on random ids
  // doubled the consumer's insert cost.
  (t) => [index("user_history_user_idx").on(t.tenantId, t.userId, t.ts)],
);

/**
 * A user's whole history, one row per (user, item) pair, merged by the trainer's rule
 * (core/ml/interactions.ts: the sum of positive labels, or a negative when the latest event
 * is a dislike), kept in step with ingestion in the transaction that applies a batch (so
 * exactly once, whatever the delivery order). Serving reads it for what a user consumed
 * (excluded however old) and for the fold-in of their vector over everything they did.
 * `types` is a bitmask of the interaction types seen (core/recommend/consumed.ts), so the
 * tenant's consumed-set policy can change without rewriting rows. `last_ts` in unix seconds,
 * the training data's resolution, so ties are ties on both sides.
 */
export const userItems = sqliteTable(
  "user_items",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    itemId: text("item_id").notNull(),
    positive: real("positive").notNull().default(0),
    lastTs: integer("last_ts").notNull(),
    latestIsDislike: integer("latest_is_dislike").notNull().default(0),
    types: integer("types").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.itemId] })],
);

/**
 * Each user's default recommendation list (no filters, default weights) as the recommender
 * last ranked it: written in the background when the user's events land and whenever a
 * request had to rank, read by an isolate that has not ranked for the user yet
 * (workers/api/src/serving/services/stored-lists.ts). Valid only while the key (model
 * version, weights) and the history stamp are those of the request, for 10 minutes.
 */
export const recommendationLists = sqliteTable(
  "recommendation_lists",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    listKey: text("list_key").notNull(),
    historyStamp: text("history_stamp").notNull(),
    /** JSON: the cached list (CachedRecommendation[]), best first. */
    items: text("items").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] })],
);

/**
 * Time-decayed popularity, stored on a fixed epoch so increments add up without reading:
 * score = sum of weight * 2^((t - EPOCH) / HALF_LIFE); ordering by it equals ordering by
 * the decayed score at any moment (core/ingest/popularity.ts).
 */
export const itemPopularity = sqliteTable(
  "item_popularity",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    itemId: text("item_id").notNull(),
    score: real("score").notNull().default(0),
    events: integer("events").notNull().default(0),
    lastEventAt: integer("last_event_at").notNull().default(0),
  },
  // No index on score: it would be rewritten on every increment; serving ranks the
  // tenant's rows and caches the top (docs/decisions.md).
  (t) => [primaryKey({ columns: [t.tenantId, t.itemId] })],
);

export type ItemRow = typeof items.$inferSelect;
