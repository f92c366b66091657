import { and, eq } from "drizzle-orm";
import { predictText } from "@edge-ml/core/classify";
import { predictions, type PredictionRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Db } from "../../lib/db";
import type { LoadedClassifier } from "./classifier-model";
import { flushPredictions, PREDICTION_BATCH_MS, queuePredictions } from "./prediction-writes";

/** How many categories a prediction lists in `top_categories` (the contract's example shows three). */
export const TOP_CATEGORIES = 3;

export type TextInput = { headline: string; short_description?: string };
export type Prediction = {
  prediction_id: string;
  category: string;
  confidence: number;
  top_categories: { category: string; confidence: number }[];
};

/** Classifies in memory (no I/O); `store` writes the rows afterwards. */
export function classify(classifier: LoadedClassifier, input: TextInput): Prediction {
  const p = predictText(classifier.model, input);
  const top = [...p.probabilities]
    .sort((a, b) => b.probability - a.probability)
    .slice(0, TOP_CATEGORIES)
    .map((c) => ({ category: c.category, confidence: c.probability }));
  return { prediction_id: newPredictionId(), category: p.category, confidence: p.confidence, top_categories: top };
}

/**
 * Every prediction is stored with its model version (feedback and evaluation join it): queued
 * for this isolate's next batch write (prediction-writes.ts), flushed within
 * PREDICTION_BATCH_MS of the request through its `waitUntil`.
 */
export function storePredictions(
  tenantId: string,
  version: string,
  rows: { input: TextInput; prediction: Prediction; requestId?: string; batchId?: string }[],
): void {
  const createdAt = new Date().toISOString();
  queuePredictions(
    rows.map((r) => ({
      id: r.prediction.prediction_id,
      tenantId,
      modelVersion: version,
      headline: r.input.headline,
      shortDescription: r.input.short_description ?? null,
      requestId: r.requestId ?? null,
      batchId: r.batchId ?? null,
      category: r.prediction.category,
      confidence: r.prediction.confidence,
      createdAt,
    })),
  );
}

/** A prediction id carries its creation time (base 36 ms), so feedback can tell a row not yet written from an unknown id. */
export const newPredictionId = (now = Date.now()) =>
  `pred_${now.toString(36).padStart(9, "0")}${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;

export function predictionTime(id: string): number | undefined {
  const m = /^pred_([0-9a-z]{9})[0-9a-f]{20}$/.exec(id);
  return m ? parseInt(m[1]!, 36) : undefined;
}

/** How long after its creation feedback waits for a prediction's row (written in a batch, maybe by another isolate). */
export const PREDICTION_WRITE_GRACE_MS = 5_000;

async function findPrediction(db: Db, tenantId: string, id: string): Promise<PredictionRow | undefined> {
  const [row] = await db
    .select()
    .from(predictions)
    .where(and(eq(predictions.tenantId, tenantId), eq(predictions.id, id)));
  return row;
}

/**
 * The tenant's prediction; another tenant's or an unknown id is 404. A fresh id whose row is
 * not there yet (still in a batch) gets this isolate's batch flushed and a few more looks.
 */
export async function predictionOf(
  env: Pick<ApiEnv, "DB">,
  db: Db,
  tenantId: string,
  id: string,
): Promise<PredictionRow> {
  let row = await findPrediction(db, tenantId, id);
  const born = predictionTime(id);
  if (!row && born !== undefined && Date.now() - born < PREDICTION_WRITE_GRACE_MS) {
    await flushPredictions(env);
    row = await findPrediction(db, tenantId, id);
    // Another isolate's batch lands within its PREDICTION_BATCH_MS window and its write: look
    // every 200 ms until a second past the window (a look is one indexed read; only fresh
    // unknown ids wait, so a made-up id is refused within about 3 s).
    const lookUntil = born + Math.min(PREDICTION_WRITE_GRACE_MS, PREDICTION_BATCH_MS + 1000);
    while (!row && Date.now() < lookUntil) {
      await new Promise((r) => setTimeout(r, 200));
      row = await findPrediction(db, tenantId, id);
    }
  }
  if (!row) throw errors.notFound(`Prediction ${id}`);
  return row;
}
