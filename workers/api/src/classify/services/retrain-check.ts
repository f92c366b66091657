import { and, count, eq, gte, sql } from "drizzle-orm";
import { feedback, modelVersions, predictions, tenants } from "@edge-ml/core/db/schema";
import { RETRAIN_ACCURACY_THRESHOLD, RETRAIN_MIN_CORRECTIONS, RETRAIN_MIN_FEEDBACK } from "@edge-ml/core/schemas";
import { getDb } from "../../lib/db";
import type { Logger } from "../../lib/logger";
import { settingsOf } from "../../access/services/tenants";
import { emitSafely } from "./emit";
import { flushPredictions } from "./prediction-writes";
import { startRetraining } from "./retrain-loop";

const WEEK_MS = 7 * 86_400_000;
const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * POST /api/v1/model/retrain-check: over the last 7 days, the accuracy the feedback shows
 * (confirmations over all feedback, judged on RETRAIN_MIN_FEEDBACK rows or more) against
 * RETRAIN_ACCURACY_THRESHOLD, and the number of corrections against RETRAIN_MIN_CORRECTIONS.
 * Either recommends retraining: `retraining.recommended` goes out, and with the tenant's
 * `classifier_auto_retrain` the gated loop starts (retrain-loop.ts).
 */
export async function retrainCheck(
  env: ApiEnv,
  tenantId: string,
  createdBy: string,
  correlationId: string,
  logger: Logger,
  now = Date.now(),
) {
  const db = getDb(env.DB);
  await flushPredictions(env);
  const since = new Date(now - WEEK_MS).toISOString();
  const [[preds], byType, [production], [tenant]] = await Promise.all([
    db
      .select({ n: count() })
      .from(predictions)
      .where(and(eq(predictions.tenantId, tenantId), gte(predictions.createdAt, since))),
    db
      .select({ type: feedback.feedbackType, n: count() })
      .from(feedback)
      .where(and(eq(feedback.tenantId, tenantId), gte(feedback.createdAt, since)))
      .groupBy(feedback.feedbackType),
    db
      .select({ version: modelVersions.version, metrics: modelVersions.metrics })
      .from(modelVersions)
      .where(
        and(
          eq(modelVersions.tenantId, tenantId),
          eq(modelVersions.kind, "classifier"),
          sql`${modelVersions.isProduction} = 1`,
        ),
      ),
    db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId)),
  ]);
  const n = (t: string) => byType.find((r) => r.type === t)?.n ?? 0;
  const total = n("correction") + n("confirmation") + n("rejection");
  const corrections = n("correction");
  const feedbackAccuracy = total ? n("confirmation") / total : null;
  const reasons: string[] = [];
  if (feedbackAccuracy !== null && total >= RETRAIN_MIN_FEEDBACK && feedbackAccuracy < RETRAIN_ACCURACY_THRESHOLD) {
    reasons.push(
      `Accuracy dropped below threshold (${RETRAIN_ACCURACY_THRESHOLD}) to ${round(feedbackAccuracy)} (${total} feedback in last 7 days)`,
    );
  }
  if (corrections >= RETRAIN_MIN_CORRECTIONS) {
    reasons.push(`High volume of corrections received (${corrections} in last 7 days)`);
  }
  const needs = reasons.length > 0;
  const body = {
    needs_retraining: needs,
    reasons,
    current_metrics: {
      feedback_accuracy: feedbackAccuracy === null ? null : round(feedbackAccuracy),
      production_accuracy: typeof production?.metrics.accuracy === "number" ? production.metrics.accuracy : null,
      correction_rate: preds?.n ? round(corrections / preds.n) : 0,
    },
    recommendation: needs ? ("trigger_retraining" as const) : ("no_action" as const),
    last_check: new Date(now).toISOString(),
    retraining: null as null | { run_id: string; training_job_id: string | null; status: string },
  };
  if (!needs) return body;
  await emitSafely(
    env,
    tenantId,
    "retraining.recommended",
    { reasons, current_metrics: body.current_metrics, production_version: production?.version ?? null },
    correlationId,
    logger,
  );
  if (tenant && settingsOf({ settings: tenant.settings }).classifier_auto_retrain) {
    const run = await startRetraining(env, tenantId, createdBy, correlationId, logger);
    body.retraining = { run_id: run.id, training_job_id: run.trainingJobId, status: run.status };
  }
  return body;
}
