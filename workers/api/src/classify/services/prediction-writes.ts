import { predictions } from "@edge-ml/core/db/schema";
import { getDb } from "../../lib/db";
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
 */
export const PREDICTION_BATCH_MS = 50;
/** D1 binds at most 100 parameters per statement: 9 rows of 10 columns. */
const ROWS_PER_STATEMENT = 9;

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

/** Writes this isolate's pending predictions now, in one D1 batch. */
export async function flushPredictions(env: Pick<ApiEnv, "DB">): Promise<void> {
  if (pending.length === 0) return;
  const rows = pending;
  pending = [];
  const db = getDb(env.DB);
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    statements.push(db.insert(predictions).values(rows.slice(i, i + ROWS_PER_STATEMENT)));
  }
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}
