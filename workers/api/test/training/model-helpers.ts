import { env } from "cloudflare:workers";
import type { AlsModel } from "@edge-ml/core/ml/als";

/**
 * A model version as workers/trainer-dispatch registers it when a training completes
 * (status pending), with the artifacts of a tiny two-item recommender
 * (docs/trainer-contract.md), so that a deploy can publish it.
 */
export async function registerVersion(
  tenantId: string,
  version: string,
  createdAt = new Date().toISOString(),
  kind: "recommender" | "classifier" = "recommender",
): Promise<void> {
  const prefix = `tenants/${tenantId}/models/${version}`;
  await env.DATA.put(
    `${prefix}/model.json`,
    JSON.stringify({ model_type: "matrix_factorization", factors: 2, regularization: 1, alpha: 2, items: ["a", "b"] }),
  );
  await env.DATA.put(`${prefix}/item_factors.f32`, new Float32Array([1, 0, 0, 1]).buffer);
  await env.DATA.put(`${prefix}/gram.f64`, new Float64Array([1, 0, 0, 1]).buffer);
  await env.DB.prepare(
    `INSERT INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics,
       training_job_id, artifact_prefix, created_at)
     VALUES (?, ?, ?, 'matrix_factorization', 'pending', 0, ?, ?, ?, ?)`,
  )
    .bind(tenantId, kind, version, JSON.stringify({ recall_at_10: 0.3 }), crypto.randomUUID(), prefix, createdAt)
    .run();
}

/**
 * A model trained in the test with core/ml, its artifacts written as the trainer uploads them
 * (docs/trainer-contract.md section 5) and its version registered as trainer-dispatch does.
 */
export async function registerTrainedAls(
  tenantId: string,
  version: string,
  model: AlsModel,
  itemIds: string[],
): Promise<void> {
  const prefix = `tenants/${tenantId}/models/${version}`;
  await env.DATA.put(
    `${prefix}/model.json`,
    JSON.stringify({
      model_type: "matrix_factorization",
      factors: model.params.factors,
      regularization: model.params.regularization,
      alpha: model.params.alpha,
      items: itemIds,
      params: model.params,
    }),
  );
  await env.DATA.put(`${prefix}/item_factors.f32`, model.itemFactors.slice().buffer);
  await env.DATA.put(`${prefix}/gram.f64`, model.gram.slice().buffer);
  await env.DB.prepare(
    `INSERT INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics, training_job_id, artifact_prefix, created_at)
     VALUES (?, 'recommender', ?, 'matrix_factorization', 'pending', 0, '{}', NULL, ?, ?)`,
  )
    .bind(tenantId, version, prefix, new Date().toISOString())
    .run();
}
