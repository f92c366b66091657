import { z } from "@hono/zod-openapi";
import { parseIsoDateTime } from "../dates/parse";
import { Category, InteractionType, ItemId, Tags, UserId, UtcTimestamp, utcTimestamp, Uuid } from "./common";

/** Events more than this far in the future are refused (clock skew allowance). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Bulk requests: at most this many rows, and at most MAX_BULK_BYTES of body. */
export const MAX_BULK_ROWS = 10_000;
export const MAX_BULK_BYTES = 10 * 1024 * 1024;
/** Events per user kept in D1 for serving (recent history); older ones live in the Parquet files. */
export const USER_HISTORY_LIMIT = 50;
/** Responses of requests with an Idempotency-Key are replayed for this long, then deleted. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * The earliest event accepted: the Unix epoch. Tenants backfill history of any age after it;
 * earlier events are refused because the training files carry Unix seconds (platform-api.md
 * section 3), which readers of those files expect to be non-negative.
 */
export const MIN_EVENT_TIME_MS = 0;

/** Only called once UtcTimestamp passed, so the parse is never null here. */
const eventMs = (s: string) => parseIsoDateTime(s) ?? Number.NaN;
const EventTime = UtcTimestamp.refine((s) => eventMs(s) <= Date.now() + MAX_FUTURE_SKEW_MS, {
  message: "timestamp is in the future",
  abort: true,
}).refine((s) => eventMs(s) >= MIN_EVENT_TIME_MS, { message: "timestamp is before 1970-01-01T00:00:00Z" });

const JsonObject = (name: string) =>
  z
    .record(z.string(), z.unknown(), { error: `${name} must be an object` })
    .refine((o) => JSON.stringify(o).length <= 8192, `${name} must be at most 8 KB of JSON`);

export const ItemInput = z
  .object({
    item_id: ItemId,
    title: z
      .string({ error: "Missing required field: title" })
      .trim()
      .min(1, "title must not be empty")
      .max(500, "title must be at most 500 characters"),
    description: z
      .string({ error: "description must be a string" })
      .max(10_000, "description must be at most 10000 characters")
      .optional(),
    category: Category.optional(),
    tags: Tags.optional(),
    metadata: JsonObject("metadata").optional(),
    created_at: utcTimestamp("created_at").optional(),
  })
  .openapi("Item");
export type ItemInput = z.infer<typeof ItemInput>;

export const InteractionContext = z
  .object({
    device_type: z.string().max(32).optional(),
    session_id: z.string().max(128).optional(),
    location: z.string().max(128).optional(),
  })
  .catchall(z.union([z.string().max(256), z.number(), z.boolean()]));

export const InteractionInput = z
  .object({
    user_id: UserId,
    item_id: ItemId,
    interaction_type: InteractionType,
    timestamp: EventTime.optional().openapi({
      description:
        "ISO 8601 UTC, from 1970-01-01T00:00:00Z to 5 minutes after the time of receipt; defaults to the time of receipt",
    }),
    context: InteractionContext.optional(),
    metadata: JsonObject("metadata").optional(),
  })
  .openapi("Interaction");
export type InteractionInput = z.infer<typeof InteractionInput>;

/** Rows are validated one by one in the handler; more than MAX_BULK_ROWS is a 413 there. */
const rows = (name: string) =>
  z.array(z.unknown(), { error: `${name} must be an array` }).min(1, `${name} must not be empty`);

export const ItemsUpload = z
  .object({ items: rows("items").openapi({ type: "array", items: { $ref: "#/components/schemas/Item" } }) })
  .openapi("ItemsUpload");
export const BulkItems = z
  .object({
    tenant_id: Uuid,
    items: rows("items").openapi({ type: "array", items: { $ref: "#/components/schemas/Item" } }),
  })
  .openapi("BulkItems");
export const BulkInteractions = z
  .object({
    tenant_id: Uuid,
    interactions: rows("interactions").openapi({ type: "array", items: { $ref: "#/components/schemas/Interaction" } }),
  })
  .openapi("BulkInteractions");

export const RowError = z
  .object({
    index: z.number().int(),
    item_id: z.string().optional(),
    user_id: z.string().optional(),
    field: z.string().optional(),
    error: z.string(),
  })
  .openapi("RowError");

export const BulkResult = z
  .object({ accepted: z.number().int(), rejected: z.number().int(), validation_errors: z.array(RowError) })
  .openapi("BulkResult");

export const InteractionAccepted = z
  .object({ status: z.literal("accepted"), interaction_id: z.string() })
  .openapi("InteractionAccepted");

export const DeadLetter = z
  .object({
    id: z.string(),
    queue: z.string(),
    attempts: z.number().int(),
    received_at: z.string(),
    replayed_at: z.string().nullable(),
    body: z.unknown(),
  })
  .openapi("DeadLetter");

export const DeadLetterList = z
  .object({
    dead_letters: z.array(DeadLetter),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("DeadLetterList");
