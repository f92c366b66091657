import type { predictions } from "@edge-ml/core/db/schema";
import { flushWindow } from "../../lib/flush-window";

/**
 * Predictions are written per isolate in batches, once per PREDICTION_BATCH_MS, not one D1
 * write per request (the usage batch's pattern, metering/services/usage-batch.ts): a write on
 * /predict's path was most of its latency beyond the model (docs/benchmarks.md), and a batch
 * is one D1 transaction for a window's predictions. The first request of a window schedules the
 * flush with its `waitUntil`, which keeps the isolate alive until the rows are written. Feedback
 * that arrives before its prediction's row (feedback.ts) flushes this isolate's batch and waits
 * a little for other isolates' (prediction ids carry their time). An isolate that dies inside a
 * window loses that window's rows; a failed write is logged, not retried.
 *
 * Two seconds, the usage batch's window: each batch is a D1 commit, and locally a commit is an
 * fsync on workerd's one thread (50-140 ms when the disk is slow, stalling every request in
 * flight). At 50 ms, /predict at 200 requests/s made 20 commits a second, at 500 ms 2, which
 * still set /predict's p99 beside the trivial route's (docs/benchmarks.md, "Fewer commits
 * under /predict"). Feedback's grace (PREDICTION_WRITE_GRACE_MS, 5 s) covers another
 * isolate's window with room for its write.
 */
export const PREDICTION_BATCH_MS = 2000;
/**
 * Rows per statement: they travel as one JSON parameter (json_each), at most ~10 KB a row
 * (a 500-character headline and a 2,000-character description), well under D1's 2 MB value.
 */
const ROWS_PER_STATEMENT = 50;

export type PredictionRowInput = typeof predictions.$inferInsert;

let pending: PredictionRowInput[] = [];
const writeWindow = flushWindow(PREDICTION_BATCH_MS);

export function queuePredictions(rows: PredictionRowInput[]): void {
  for (const r of rows) pending.push(r);
}

export function schedulePredictionFlush(
  env: Pick<ApiEnv, "DB">,
  waitUntil: (p: Promise<unknown>) => void,
  onError: (e: unknown) => void,
): void {
  writeWindow(() => flushPredictions(env), waitUntil, onError);
}

/**
 * Writes this isolate's pending predictions now, in one D1 batch: one statement per
 * ROWS_PER_STATEMENT rows with the rows as one JSON parameter, not a query builder's
 * 10 bound parameters a row (a CPU profile of /predict under load had drizzle's insert
 * building among the api isolate's top functions).
 */
export async function flushPredictions(env: Pick<ApiEnv, "DB">): Promise<void> {
  if (pending.length === 0) return;
  const rows = pending;
  pending = [];
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((r) => [
        r.id,
        r.tenantId,
        r.modelVersion,
        r.headline,
        r.shortDescription ?? null,
        r.requestId ?? null,
        r.batchId ?? null,
        r.category,
        r.confidence,
        r.createdAt,
      ]);
    statements.push(
      env.DB.prepare(
        `INSERT INTO predictions (id, tenant_id, model_version, headline, short_description, request_id,
           batch_id, category, confidence, created_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
           value ->> 6, value ->> 7, value ->> 8, value ->> 9 FROM json_each(?1)`,
      ).bind(JSON.stringify(chunk)),
    );
  }
  await env.DB.batch(statements);
}
