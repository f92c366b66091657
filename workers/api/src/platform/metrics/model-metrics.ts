import { DERIVED, MAX_TENANTS } from "@edge-ml/core/metrics/families";
import type { Sample } from "@edge-ml/core/metrics/exposition";

/**
 * The ml_* values that already live in D1, read at scrape time rather than counted: each
 * tenant's production recommender's evaluation metrics, and the duration and per-epoch losses
 * of each tenant's latest completed training job per model type. Bounded like the counted
 * families: MAX_TENANTS tenants (by id order; others are left out: gauges do not sum), at most
 * MAX_METRIC_NAMES metrics per version and MAX_EPOCHS epochs per job.
 */
const MAX_METRIC_NAMES = 20;
const MAX_EPOCHS = 200;

export type ModelMetrics = { quality: Sample[]; trainingDuration: Sample[]; trainingLoss: Sample[] };

export async function modelMetrics(db: D1Database): Promise<ModelMetrics> {
  const [versions, jobs] = await Promise.all([
    db
      .prepare(
        `SELECT tenant_id, version, metrics FROM model_versions
         WHERE kind = 'recommender' AND is_production = 1 AND tenant_id IN (${tenantsSql})`,
      )
      .bind(MAX_TENANTS)
      .all<{ tenant_id: string; version: string; metrics: string }>(),
    db
      .prepare(
        `SELECT j.tenant_id, j.model_type, j.model_version, j.history,
                (julianday(j.finished_at) - julianday(j.started_at)) * 86400.0 AS seconds
         FROM training_jobs j
         WHERE j.status = 'completed' AND j.started_at IS NOT NULL AND j.finished_at IS NOT NULL
           AND j.parent_job_id IS NULL AND j.tenant_id IN (${tenantsSql})
           AND j.finished_at = (SELECT max(k.finished_at) FROM training_jobs k
                                WHERE k.tenant_id = j.tenant_id AND k.model_type = j.model_type AND k.status = 'completed'
                                  AND k.parent_job_id IS NULL)`,
      )
      .bind(MAX_TENANTS)
      .all<{ tenant_id: string; model_type: string; model_version: string | null; history: string; seconds: number }>(),
  ]);
  const quality: Sample[] = [];
  for (const v of versions.results) {
    const entries = Object.entries(parse<Record<string, unknown>>(v.metrics, {}))
      .filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]))
      .slice(0, MAX_METRIC_NAMES);
    for (const [name, value] of entries) quality.push({ labels: [v.tenant_id, v.version, name], value });
  }
  const trainingDuration: Sample[] = [];
  const trainingLoss: Sample[] = [];
  const seen = new Set<string>();
  for (const j of jobs.results) {
    const key = `${j.tenant_id}|${j.model_type}`;
    if (seen.has(key)) continue; // two jobs finished in the same instant: one is enough
    seen.add(key);
    trainingDuration.push({ labels: [j.tenant_id, j.model_type], value: Math.max(0, Number(j.seconds)) });
    if (!j.model_version) continue;
    const epochs = new Set<number>();
    for (const h of parse<Record<string, number>[]>(j.history, []).slice(0, MAX_EPOCHS)) {
      if (typeof h.loss !== "number" || !Number.isFinite(h.loss) || typeof h.epoch !== "number") continue;
      if (epochs.has(h.epoch)) continue;
      epochs.add(h.epoch);
      trainingLoss.push({ labels: [j.tenant_id, j.model_version, String(h.epoch)], value: h.loss });
    }
  }
  return { quality, trainingDuration, trainingLoss };
}

/** The first MAX_TENANTS tenants by id: the same set on every scrape, so series do not flap. */
const tenantsSql = "SELECT id FROM tenants ORDER BY id LIMIT ?";

function parse<T>(text: string, fallback: T): T {
  try {
    return (JSON.parse(text) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

export const MODEL_FAMILIES = [DERIVED.quality, DERIVED.trainingDuration, DERIVED.trainingLoss] as const;
