import { and, count, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { parseIsoDateTime } from "@edge-ml/core/dates/parse";
import { feedback, predictions } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { z } from "@hono/zod-openapi";
import type { FeedbackRequest, FeedbackStatsQuery } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";
import { labelSetOf, requireLabel } from "./labels";
import { flushPredictions } from "./prediction-writes";
import { predictionOf } from "./predictions";

/**
 * Feedback on predictions (classifier-api.md). A correction names the true category (in the
 * tenant's label set); a confirmation says the prediction was right (its true category is the
 * predicted one); a rejection says it was wrong without saying what is right. The true category
 * is stored beside the predicted one, so stats and training rows need no join.
 */
export async function recordFeedback(
  env: Pick<ApiEnv, "DB">,
  db: Db,
  tenantId: string,
  body: z.infer<typeof FeedbackRequest>,
) {
  const prediction = await predictionOf(env, db, tenantId, body.prediction_id);
  let correct: string | null;
  if (body.feedback_type === "correction") {
    if (body.correct_category === undefined) {
      throw errors.validation("A correction needs correct_category", "correct_category", "required for correction");
    }
    requireLabel(await labelSetOf(db, tenantId), body.correct_category, "correct_category");
    correct = body.correct_category;
  } else if (body.feedback_type === "confirmation") {
    if (body.correct_category !== undefined && body.correct_category !== prediction.category) {
      throw errors.validation(
        `A confirmation agrees with the predicted category (${prediction.category}); send a correction instead`,
        "correct_category",
        "differs from the prediction",
      );
    }
    correct = prediction.category;
  } else {
    if (body.correct_category !== undefined) {
      throw errors.validation(
        "A rejection carries no correct_category; send a correction to name the right one",
        "correct_category",
        "not allowed for rejection",
      );
    }
    correct = null;
  }
  const row = {
    id: `fb_${crypto.randomUUID().replace(/-/g, "")}`,
    tenantId,
    predictionId: prediction.id,
    feedbackType: body.feedback_type,
    predictedCategory: prediction.category,
    correctCategory: correct,
    userId: body.user_id ?? null,
    comment: body.comment ?? null,
    createdAt: new Date().toISOString(),
  };
  await db.insert(feedback).values(row);
  return row;
}

const DAY_MS = 86_400_000;
export const DEFAULT_STATS_DAYS = 30;

/** A date means its whole UTC day: the start at 00:00:00, the end at 23:59:59.999. */
function bound(value: string | undefined, end: boolean, field: string): number | undefined {
  if (value === undefined) return undefined;
  const dateOnly = value.length === 10;
  const ms = parseIsoDateTime(dateOnly ? `${value}T00:00:00Z` : value);
  if (ms === null) throw errors.validation(`${field} is not a real calendar date`, field);
  return dateOnly && end ? ms + DAY_MS - 1 : ms;
}

/**
 * GET /api/v1/feedback/stats: the period defaults to the last 30 days ending now. This
 * isolate's pending predictions are written first, so the counts include what it served.
 */
export async function feedbackStats(
  env: Pick<ApiEnv, "DB">,
  db: Db,
  tenantId: string,
  q: z.infer<typeof FeedbackStatsQuery>,
  now = Date.now(),
) {
  await flushPredictions(env);
  const endMs = bound(q.end_date, true, "end_date") ?? now;
  const startMs = bound(q.start_date, false, "start_date") ?? endMs - DEFAULT_STATS_DAYS * DAY_MS;
  if (startMs > endMs) throw errors.validation("start_date must not be after end_date", "start_date");
  const start = new Date(startMs).toISOString();
  const end = new Date(endMs).toISOString();

  const predWhere: SQL[] = [
    eq(predictions.tenantId, tenantId),
    gte(predictions.createdAt, start),
    lte(predictions.createdAt, end),
  ];
  if (q.category) predWhere.push(eq(predictions.category, q.category));
  const fbWhere: SQL[] = [
    eq(feedback.tenantId, tenantId),
    gte(feedback.createdAt, start),
    lte(feedback.createdAt, end),
  ];
  if (q.category) fbWhere.push(eq(feedback.predictedCategory, q.category));

  const [[total], byType, corrections] = await Promise.all([
    db
      .select({ n: count() })
      .from(predictions)
      .where(and(...predWhere)),
    db
      .select({ type: feedback.feedbackType, n: count() })
      .from(feedback)
      .where(and(...fbWhere))
      .groupBy(feedback.feedbackType),
    db
      .select({ category: feedback.predictedCategory, n: count() })
      .from(feedback)
      .where(and(...fbWhere, eq(feedback.feedbackType, "correction")))
      .groupBy(feedback.predictedCategory)
      .orderBy(sql`count(*) desc`, feedback.predictedCategory),
  ]);
  const types: Record<string, number> = { correction: 0, confirmation: 0, rejection: 0 };
  for (const r of byType) types[r.type] = r.n;
  const totalFeedback = types.correction! + types.confirmation! + types.rejection!;
  const totalPredictions = total?.n ?? 0;
  return {
    period: { start, end },
    total_predictions: totalPredictions,
    total_feedback: totalFeedback,
    feedback_rate: totalPredictions ? totalFeedback / totalPredictions : 0,
    accuracy_from_feedback: totalFeedback ? types.confirmation! / totalFeedback : null,
    corrections_by_category: Object.fromEntries(corrections.map((r) => [r.category, r.n])),
    feedback_by_type: types,
  };
}

/** Feedback with a known true category (corrections and confirmations), oldest first, for training and evaluation. */
export async function labelledFeedback(db: Db, tenantId: string) {
  return db
    .select({
      id: feedback.id,
      headline: predictions.headline,
      shortDescription: predictions.shortDescription,
      category: feedback.correctCategory,
      createdAt: feedback.createdAt,
    })
    .from(feedback)
    .innerJoin(predictions, and(eq(predictions.id, feedback.predictionId), eq(predictions.tenantId, tenantId)))
    .where(and(eq(feedback.tenantId, tenantId), sql`${feedback.correctCategory} IS NOT NULL`))
    .orderBy(feedback.createdAt, feedback.id);
}
