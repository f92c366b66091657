import { percentile, type ListComparison } from "@edge-ml/core/experiments/rankings";

export type Comparison = {
  tenantId: string;
  surface: "search" | "recommend";
  mode: "active" | "passive";
  modelVersion: string;
  productionVersion: string;
  k: number;
  productionMs: number;
  candidateMs: number;
  error: string | null;
} & Partial<ListComparison>;

/** One comparison row in D1 (shadow_comparisons), what the report aggregates. */
export async function recordComparison(d1: D1Database, c: Comparison): Promise<void> {
  await d1
    .prepare(
      `INSERT INTO shadow_comparisons (id, tenant_id, surface, mode, model_version, production_version, k, production_ms,
         candidate_ms, error, overlap_at_k, rbo, score_shift, top_differs, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)`,
    )
    .bind(
      crypto.randomUUID(),
      c.tenantId,
      c.surface,
      c.mode,
      c.modelVersion,
      c.productionVersion,
      c.k,
      c.productionMs,
      c.candidateMs,
      c.error,
      c.overlap_at_k ?? null,
      c.rbo ?? null,
      c.score_shift ?? null,
      c.top_differs === undefined ? null : c.top_differs ? 1 : 0,
      new Date().toISOString(),
    )
    .run();
}

/** The report reads at most this many latest comparisons per challenger. */
export const REPORT_WINDOW = 10_000;

type Row = {
  model_version: string;
  surface: "search" | "recommend";
  mode: string;
  production_ms: number;
  candidate_ms: number;
  error: string | null;
  overlap_at_k: number | null;
  rbo: number | null;
  score_shift: number | null;
  top_differs: number | null;
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/**
 * Per challenger (model version and surface): latency p50/p95 of candidate and production,
 * error rate, and the means of overlap@k, RBO, score shift and top-item-differs over the
 * comparisons that did not fail.
 */
export async function shadowReport(
  d1: D1Database,
  tenantId: string,
  filter: { model_version?: string; surface?: string },
) {
  const { results } = await d1
    .prepare(
      `SELECT model_version, surface, mode, production_ms, candidate_ms, error, overlap_at_k, rbo, score_shift, top_differs
       FROM shadow_comparisons WHERE tenant_id = ?1 AND (?2 IS NULL OR model_version = ?2) AND (?3 IS NULL OR surface = ?3)
       ORDER BY created_at DESC LIMIT ?4`,
    )
    .bind(tenantId, filter.model_version ?? null, filter.surface ?? null, REPORT_WINDOW)
    .all<Row>();
  const groups = new Map<string, Row[]>();
  for (const r of results) {
    const key = `${r.model_version}\u0000${r.surface}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rows) => {
    const ok = rows.filter((r) => r.error === null);
    const some = (f: (r: Row) => number | null) => ok.map(f).filter((x): x is number => x !== null);
    const cand = rows.map((r) => r.candidate_ms);
    const prod = rows.map((r) => r.production_ms);
    return {
      model_version: rows[0]!.model_version,
      surface: rows[0]!.surface,
      comparisons: rows.length,
      passive: rows.filter((r) => r.mode === "passive").length,
      candidate_latency_ms: { p50: percentile(cand, 50), p95: percentile(cand, 95) },
      production_latency_ms: { p50: percentile(prod, 50), p95: percentile(prod, 95) },
      error_rate: (rows.length - ok.length) / rows.length,
      overlap_at_k: mean(some((r) => r.overlap_at_k)),
      rbo: mean(some((r) => r.rbo)),
      score_shift: mean(some((r) => r.score_shift)),
      top_item_differs: mean(some((r) => r.top_differs)),
    };
  });
}
