import { z } from "@hono/zod-openapi";
import { daysBetween, parseIsoDate } from "../dates/parse";

const Day = (name: string) =>
  z
    .string()
    .refine((s) => parseIsoDate(s) !== null, `${name} must be a calendar date YYYY-MM-DD`)
    .optional()
    .openapi({ param: { name, in: "query" }, example: "2025-01-01" });

/** At most a year per request, so one query never scans an unbounded range. */
export const MAX_USAGE_DAYS = 366;

export const UsageQuery = z
  .object({ start_date: Day("start_date"), end_date: Day("end_date") })
  .refine((q) => !q.start_date || !q.end_date || q.start_date <= q.end_date, {
    message: "start_date must not be after end_date",
    path: ["start_date"],
  })
  .refine(
    (q) =>
      !q.start_date ||
      !q.end_date ||
      q.start_date > q.end_date ||
      daysBetween(q.start_date, q.end_date) <= MAX_USAGE_DAYS,
    { message: `the period must be at most ${MAX_USAGE_DAYS} days`, path: ["end_date"] },
  );

const DailyUsage = z.object({
  date: z.string(),
  api_calls: z.number().int(),
  recommendations_served: z.number().int(),
  items_indexed: z.number().int(),
  predictions: z.number().int(),
  average_latency_ms: z.number(),
});

export const UsageResponse = z
  .object({
    period: z.object({ start: z.string(), end: z.string() }),
    metrics: z.object({
      api_calls: z.number().int(),
      recommendations_served: z.number().int(),
      items_indexed: z.number().int(),
      predictions: z.number().int(),
      average_latency_ms: z.number(),
    }),
    quota: z.object({
      plan: z.enum(["starter", "pro", "enterprise"]),
      api_calls_limit: z.number().int().openapi({ description: "Monthly API calls included in the plan" }),
      api_calls_used: z.number().int(),
      percentage_used: z.number(),
    }),
    daily: z.array(DailyUsage),
  })
  .openapi("Usage");
