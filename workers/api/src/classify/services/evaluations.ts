import { and, eq } from "drizzle-orm";
import { newestFirst } from "../../lib/newest-first";
import { evaluateClassifier, type ClassificationMetrics, type LabelledText } from "@edge-ml/core/classify";
import { evaluations, modelVersions, type EvaluationRow, type ModelVersionRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import { DEPLOY_THRESHOLD } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";
import { loadVersion } from "./classifier-model";
import { evaluationRows } from "./labelled-rows";

/**
 * Evaluation of a classifier version (docs/decisions.md "Text classification"): in the Worker,
 * while the request waits (a 41-label model scores a 2,000-row holdout in well under a second),
 * on the rows of `source`; the production classifier is scored on the same rows for the
 * comparison. The confusion matrix goes to R2, linked from the result.
 */
export type EvalSource = EvaluationRow["dataset"];
export type Comparison = {
  production_version: string | null;
  accuracy_diff: number;
  f1_diff: number;
  recommendation: "deploy" | "keep_production";
  meets_threshold: boolean;
  threshold: number;
};

export const confusionKey = (tenantId: string, id: string) =>
  `tenants/${tenantId}/evaluations/${id}/confusion_matrix.json`;
export const confusionPath = (id: string) => `/api/v1/model/evaluate/${id}/confusion-matrix`;

/** The tenant's classifier `version`, or its production classifier; undefined when there is none. */
export async function findClassifier(
  db: Db,
  tenantId: string,
  version: string | undefined,
): Promise<ModelVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.tenantId, tenantId),
        eq(modelVersions.kind, "classifier"),
        version === undefined ? eq(modelVersions.isProduction, true) : eq(modelVersions.version, version),
      ),
    );
  return row;
}

/** findClassifier, 404 when there is none. */
export async function classifierVersion(
  db: Db,
  tenantId: string,
  version: string | undefined,
): Promise<ModelVersionRow> {
  const row = await findClassifier(db, tenantId, version);
  if (!row) throw errors.notFound(version === undefined ? "A production classifier" : `Classifier version ${version}`);
  return row;
}

/** The gate: better accuracy by DEPLOY_THRESHOLD and macro-F1 not lower, on the same rows. */
export function compare(
  candidate: ClassificationMetrics,
  production: ClassificationMetrics | null,
  productionVersion: string | null,
  isProduction: boolean,
): Comparison {
  const accuracyDiff = candidate.accuracy - (production?.accuracy ?? 0);
  const f1Diff = candidate.f1_score - (production?.f1_score ?? 0);
  const meets = !isProduction && (production === null || (accuracyDiff >= DEPLOY_THRESHOLD && f1Diff >= 0));
  return {
    production_version: productionVersion,
    accuracy_diff: accuracyDiff,
    f1_diff: f1Diff,
    recommendation: meets ? "deploy" : "keep_production",
    meets_threshold: meets,
    threshold: DEPLOY_THRESHOLD,
  };
}

async function metricsOf(env: Pick<ApiEnv, "DATA">, tenantId: string, row: ModelVersionRow, rows: LabelledText[]) {
  const loaded = await loadVersion(env.DATA, tenantId, row.version, row.artifactPrefix);
  return evaluateClassifier(loaded.model, rows);
}

/** Runs one evaluation to its end and stores it (completed, or failed with the reason). */
export async function evaluate(
  env: Pick<ApiEnv, "DB" | "DATA">,
  db: Db,
  tenantId: string,
  target: ModelVersionRow,
  source: EvalSource,
): Promise<EvaluationRow> {
  const id = `eval_${crypto.randomUUID().replace(/-/g, "")}`;
  const createdAt = new Date().toISOString();
  await db
    .insert(evaluations)
    .values({ id, tenantId, version: target.version, status: "running", dataset: source, createdAt });
  let update: Partial<EvaluationRow>;
  try {
    const rows = await evaluationRows(env, db, tenantId, source);
    if (rows.length === 0)
      throw new Error(
        `no ${source === "feedback" ? "feedback with a known category" : "labelled rows"} to evaluate on`,
      );
    const candidate = await metricsOf(env, tenantId, target, rows);
    const production = await findClassifier(db, tenantId, undefined);
    const productionMetrics =
      production && production.version !== target.version
        ? await metricsOf(env, tenantId, production, rows)
        : production
          ? candidate
          : null;
    const key = confusionKey(tenantId, id);
    await env.DATA.put(key, JSON.stringify(candidate.confusion), { httpMetadata: { contentType: "application/json" } });
    const { confusion: _c, ...summary } = candidate;
    update = {
      status: "completed",
      metrics: {
        ...summary,
        comparison: compare(candidate, productionMetrics, production?.version ?? null, target.isProduction),
      },
      confusionKey: key,
      completedAt: new Date().toISOString(),
    };
  } catch (e) {
    update = {
      status: "failed",
      error: e instanceof Error ? e.message : String(e),
      completedAt: new Date().toISOString(),
    };
  }
  const [row] = await db
    .update(evaluations)
    .set(update)
    .where(and(eq(evaluations.tenantId, tenantId), eq(evaluations.id, id)))
    .returning();
  return row!;
}

export async function evaluationOf(db: Db, tenantId: string, id: string): Promise<EvaluationRow> {
  const [row] = await db
    .select()
    .from(evaluations)
    .where(and(eq(evaluations.tenantId, tenantId), eq(evaluations.id, id)));
  if (!row) throw errors.notFound(`Evaluation ${id}`);
  return row;
}

/** One page of the tenant's evaluations, newest first, with the total. */
export async function listEvaluations(
  db: Db,
  tenantId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: EvaluationRow[]; total: number }> {
  const mine = eq(evaluations.tenantId, tenantId);
  return newestFirst(db, evaluations, mine, page);
}

/** GET /api/v1/model/evaluate/{id}'s body. */
export function evaluationBody(row: EvaluationRow, correlationId: string) {
  const m = row.metrics as Partial<ClassificationMetrics> & { comparison?: Comparison };
  const done = row.status === "completed";
  return {
    evaluation_id: row.id,
    version: row.version,
    status: row.status,
    test_data_source: row.dataset,
    sample_count: done ? (m.sample_count ?? null) : null,
    metrics: done
      ? {
          accuracy: m.accuracy!,
          precision: m.precision!,
          recall: m.recall!,
          f1_score: m.f1_score!,
          confusion_matrix: confusionPath(row.id),
        }
      : null,
    category_metrics: Object.fromEntries(
      Object.entries(m.per_category ?? {}).map(([c, v]) => [
        c,
        { precision: v.precision, recall: v.recall, f1: v.f1_score, support: v.support },
      ]),
    ),
    comparison_with_production: m.comparison ?? null,
    error: row.error,
    completed_at: row.completedAt,
    correlation_id: correlationId,
  };
}
