import { z } from "@hono/zod-openapi";
import { parseIsoDateTime } from "../dates/parse";

/**
 * Validation rules of platform-api.md section 9, shared by every route and worker.
 * Messages name the rule so a client can fix the request without reading the docs.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

const idSchema = (name: string) =>
  z
    .string({ error: `${name} is required and must be a string` })
    .min(1, `${name} must not be empty`)
    .max(128, `${name} must be at most 128 characters`)
    .regex(ID_PATTERN, `${name} may contain only letters, digits, hyphens and underscores`);

export const UserId = idSchema("user_id").openapi({ example: "user_123" });
export const ItemId = idSchema("item_id").openapi({ example: "item_456" });

export const INTERACTION_TYPES = [
  "view",
  "click",
  "purchase",
  "like",
  "dislike",
  "add_to_cart",
  "remove_from_cart",
] as const;
export const InteractionType = z.enum(INTERACTION_TYPES, {
  error: `interaction_type must be one of ${INTERACTION_TYPES.join(", ")}`,
});

/**
 * ISO 8601 in UTC (`Z` or `+00:00`) on a real calendar day (`2026-02-30` is refused, not
 * rolled over to March); a date-time with any other offset is refused. `name` is the field
 * the messages name.
 */
export const utcTimestamp = (name: string) =>
  z
    .string({ error: `${name} must be an ISO 8601 date-time string` })
    // Each check aborts on failure: a malformed or impossible date gets one reason, not the
    // later range checks' (which would read it as NaN and add "in the future" and the like).
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00|-00:00)$/, {
      message: `${name} must be ISO 8601 in UTC, e.g. 2025-01-07T10:30:45Z`,
      abort: true,
    })
    .refine((s) => parseIsoDateTime(s, { utcOnly: true }) !== null, {
      message: `${name} is not a real calendar date and time`,
      abort: true,
    })
    .openapi({ format: "date-time", example: "2025-01-07T10:30:45Z" });

export const UtcTimestamp = utcTimestamp("timestamp");

export const Category = z
  .string()
  .max(64, "category must be at most 64 characters")
  .regex(/^[a-z0-9-]+$/, "category may contain only lowercase letters, digits and hyphens")
  .openapi({ example: "electronics" });

export const Tags = z
  .array(z.string().min(1, "a tag must not be empty").max(32, "a tag must be at most 32 characters"))
  .max(20, "at most 20 tags are allowed")
  .openapi({ example: ["smartphone", "5g"] });

export const Uuid = z.uuid({ error: "must be a UUID" });

export const IsoDateTime = z.string().openapi({ format: "date-time", example: "2026-01-01T00:00:00Z" });

/** The error envelope shared by all three contracts. */
export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_ERROR" }),
      message: z.string().openapi({ example: "user_id must be at most 128 characters" }),
      details: z
        .record(z.string(), z.unknown())
        .openapi({ example: { field: "user_id", reason: "user_id must be at most 128 characters" } }),
      request_id: z.string(),
      correlation_id: z.string(),
      timestamp: IsoDateTime,
    }),
  })
  .openapi("Error");

/** `limit` (1..100) and `offset` query parameters of every list route. */
export const paginationQuery = (defaultLimit: number) =>
  z.object({
    limit: z.coerce
      .number({ error: "limit must be a number" })
      .int("limit must be an integer")
      .min(1, "limit must be at least 1")
      .max(100, "limit must be at most 100")
      .default(defaultLimit)
      .openapi({ param: { name: "limit", in: "query" } }),
    offset: z.coerce
      .number({ error: "offset must be a number" })
      .int("offset must be an integer")
      .min(0, "offset must not be negative")
      .default(0)
      .openapi({ param: { name: "offset", in: "query" } }),
  });
