/** The D1 schema of usage per day and abuse detections. */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants } from "./access";

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
