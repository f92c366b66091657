import { decodeLabelledParquet, splitStratified, type LabelledText } from "@edge-ml/core/classify";
import { CLASSIFIER_HOLDOUT } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";
import { labelledFeedback } from "./feedback";
import { uploadsOf } from "./labelled-uploads";

/**
 * The rows an evaluation scores: `holdout` is the held-out share of the tenant's uploaded rows
 * (CLASSIFIER_HOLDOUT, the split the trainer leaves out), `feedback` the corrections and
 * confirmations (their true category), `both` the two together.
 */
export async function holdoutRows(env: Pick<ApiEnv, "DATA">, db: Db, tenantId: string): Promise<LabelledText[]> {
  const rows: LabelledText[] = [];
  for (const u of await uploadsOf(db, tenantId)) {
    const obj = await env.DATA.get(u.r2Key);
    if (!obj) continue;
    for (const r of await decodeLabelledParquet(await obj.arrayBuffer())) rows.push(r);
  }
  return splitStratified(rows, CLASSIFIER_HOLDOUT.share, CLASSIFIER_HOLDOUT.seed).test;
}

export async function feedbackRows(db: Db, tenantId: string): Promise<LabelledText[]> {
  return (await labelledFeedback(db, tenantId)).map((r) => ({
    headline: r.headline,
    ...(r.shortDescription ? { short_description: r.shortDescription } : {}),
    category: r.category!,
  }));
}

export async function evaluationRows(
  env: Pick<ApiEnv, "DATA">,
  db: Db,
  tenantId: string,
  source: "holdout" | "feedback" | "both",
): Promise<LabelledText[]> {
  const [holdout, fb] = await Promise.all([
    source === "feedback" ? [] : holdoutRows(env, db, tenantId),
    source === "holdout" ? [] : feedbackRows(db, tenantId),
  ]);
  return [...holdout, ...fb];
}
