import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MODEL_TYPES } from "../schemas/model-types";

/**
 * The D1 schema. drizzle-kit turns it into SQL under migrations/ (`npm run db:generate`);
 * wrangler applies those files. Timestamps are ISO 8601 UTC text, ids are UUIDs.
 * Every tenant-owned table carries tenant_id and every query filters on it.
 */
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  plan: text("plan", { enum: ["starter", "pro", "enterprise"] })
    .notNull()
    .default("starter"),
  status: text("status", { enum: ["active", "suspended"] })
    .notNull()
    .default("active"),
  settings: text("settings", { mode: "json" }).notNull().default("{}"),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    // Stored lower-cased; unique across the platform because login takes only an email.
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "developer", "viewer"] }).notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_tenant_idx").on(t.tenantId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    permissions: text("permissions", { mode: "json" }).$type<string[]>().notNull(),
    status: text("status", { enum: ["active", "revoked"] })
      .notNull()
      .default("active"),
    expiresAt: text("expires_at"),
    allowedIps: text("allowed_ips", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    rateLimitSearch: integer("rate_limit_search").notNull().default(1000),
    rateLimitRecommend: integer("rate_limit_recommend").notNull().default(500),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_tenant_idx").on(t.tenantId)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // All tokens rotated from one login share a family; reuse of a spent one revokes it.
    familyId: text("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    createdAt: text("created_at").notNull().default(now),
    usedAt: text("used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("refresh_tokens_hash_unique").on(t.tokenHash), index("refresh_tokens_family_idx").on(t.familyId)],
);

export type TenantRow = typeof tenants.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/**
 * Per tenant and UTC day, flushed from the UsageMeter Durable Object (never one D1 write
 * per request). Latency is kept as sum and count so averages over any range are exact.
 */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    apiCalls: integer("api_calls").notNull().default(0),
    recommendationsServed: integer("recommendations_served").notNull().default(0),
    itemsIndexed: integer("items_indexed").notNull().default(0),
    predictions: integer("predictions").notNull().default(0),
    latencyMsSum: integer("latency_ms_sum").notNull().default(0),
    latencyCount: integer("latency_count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] })],
);

/** Abuse detections (sequential id walks, repeated queries), one row per detection, not per request. */
export const abuseFlags = sqliteTable(
  "abuse_flags",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["sequential_enumeration", "repeated_query"] }).notNull(),
    client: text("client").notNull(),
    endpoint: text("endpoint").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("abuse_flags_tenant_idx").on(t.tenantId, t.createdAt)],
);

export type UsageDailyRow = typeof usageDaily.$inferSelect;
export type AbuseFlagRow = typeof abuseFlags.$inferSelect;

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

export type ItemRow = typeof items.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;

/**
 * Training jobs (platform-api.md trigger, classifier-api.md status). `callback_secret` signs
 * the trainer's callbacks for this job only (HMAC-SHA256); `last_seq` rejects replayed
 * callbacks; `heartbeat_at` lets the dispatcher fail a job whose trainer went silent.
 */
export const trainingJobs = sqliteTable(
  "training_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    modelType: text("model_type", { enum: MODEL_TYPES }).notNull(),
    status: text("status", { enum: ["queued", "running", "completed", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    hyperparameters: text("hyperparameters", { mode: "json" }).$type<Record<string, number>>().notNull(),
    dataRange: text("data_range", { mode: "json" }).$type<{ start_date: string; end_date: string }>().notNull(),
    progress: real("progress").notNull().default(0),
    currentEpoch: integer("current_epoch").notNull().default(0),
    totalEpochs: integer("total_epochs").notNull(),
    metrics: text("metrics", { mode: "json" })
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'`),
    /** Per-epoch metrics, for the training curve: [{ epoch, loss, ... }]. */
    history: text("history", { mode: "json" })
      .$type<Record<string, number>[]>()
      .notNull()
      .default(sql`'[]'`),
    error: text("error"),
    /** Sentences about what the request gave and the job will not use (learning_rate with ALS). */
    warnings: text("warnings", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    callbackSecret: text("callback_secret").notNull(),
    lastSeq: integer("last_seq").notNull().default(0),
    dispatchAttempts: integer("dispatch_attempts").notNull().default(0),
    estimatedDurationMinutes: integer("estimated_duration_minutes").notNull(),
    modelVersion: text("model_version"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    startedAt: text("started_at"),
    heartbeatAt: text("heartbeat_at"),
    finishedAt: text("finished_at"),
  },
  (t) => [
    index("training_jobs_tenant_idx").on(t.tenantId, t.createdAt),
    index("training_jobs_status_idx").on(t.status, t.heartbeatAt),
  ],
);

/**
 * Model versions per tenant and kind. One `is_production` row per (tenant, kind) at most;
 * deploys switch it in one D1 batch, so serving sees the old version or the new, never
 * neither. Artifacts live in R2 under `artifact_prefix`.
 */
export const modelVersions = sqliteTable(
  "model_versions",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["recommender", "classifier"] }).notNull(),
    version: text("version").notNull(),
    modelType: text("model_type").notNull(),
    status: text("status", { enum: ["pending", "active", "archived"] })
      .notNull()
      .default("pending"),
    isProduction: integer("is_production", { mode: "boolean" }).notNull().default(false),
    metrics: text("metrics", { mode: "json" })
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'`),
    trainingJobId: text("training_job_id"),
    /** How the hyperparameters were chosen (core/ml/tuning.ts TuningReport); null before self-tuning. */
    tuning: text("tuning", { mode: "json" }).$type<Record<string, unknown>>(),
    artifactPrefix: text("artifact_prefix").notNull(),
    createdAt: text("created_at").notNull(),
    deployedAt: text("deployed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.kind, t.version] }),
    index("model_versions_tenant_idx").on(t.tenantId, t.kind, t.createdAt),
    // The database itself refuses two production versions of one kind.
    uniqueIndex("model_versions_production_unique")
      .on(t.tenantId, t.kind)
      .where(sql`is_production = 1`),
  ],
);

/** Webhook subscriptions (classifier-api.md events); `secret` signs each delivery (HMAC-SHA256). */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    secret: text("secret").notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("webhooks_tenant_idx").on(t.tenantId)],
);

/** Every delivery attempt's outcome, for the tenant to inspect. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id").notNull(),
    event: text("event").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [index("webhook_deliveries_tenant_idx").on(t.tenantId, t.createdAt)],
);

export type TrainingJobRow = typeof trainingJobs.$inferSelect;
export type ModelVersionRow = typeof modelVersions.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
