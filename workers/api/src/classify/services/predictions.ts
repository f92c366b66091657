import { and, eq } from "drizzle-orm";
import { predictText } from "@edge-ml/core/classify";
import { predictions, type PredictionRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Db } from "../../lib/db";
import type { LoadedClassifier } from "./classifier-model";

/** How many categories a prediction lists in `top_categories` (the contract's example shows three). */
export const TOP_CATEGORIES = 3;

export type TextInput = { headline: string; short_description?: string };
export type Prediction = {
  prediction_id: string;
  category: string;
  confidence: number;
  top_categories: { category: string; confidence: number }[];
};

const newPredictionId = () => `pred_${crypto.randomUUID().replace(/-/g, "")}`;

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
 * Every prediction is stored with its model version (feedback and evaluation join it). One D1
 * batch per request; D1 binds at most 100 parameters per statement, so rows go in chunks.
 */
export async function storePredictions(
  db: Db,
  tenantId: string,
  version: string,
  rows: { input: TextInput; prediction: Prediction; requestId?: string; batchId?: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  const createdAt = new Date().toISOString();
  const values = rows.map((r) => ({
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
  }));
  const chunk = 9; // 10 columns a row, under D1's 100 bound parameters
  const statements = [];
  for (let i = 0; i < values.length; i += chunk)
    statements.push(db.insert(predictions).values(values.slice(i, i + chunk)));
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

/** The tenant's prediction; another tenant's or an unknown id is 404. */
export async function predictionOf(db: Db, tenantId: string, id: string): Promise<PredictionRow> {
  const [row] = await db
    .select()
    .from(predictions)
    .where(and(eq(predictions.tenantId, tenantId), eq(predictions.id, id)));
  if (!row) throw errors.notFound(`Prediction ${id}`);
  return row;
}
