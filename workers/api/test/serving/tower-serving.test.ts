import { env } from "cloudflare:workers";
import type { z } from "zod";
import type { InternalRecommendationsResponse } from "@edge-ml/core/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody, SeededTenant } from "../helpers";
import { act, post, sampleTenant } from "./serving-helpers";

type Internal = z.infer<typeof InternalRecommendationsResponse>;

/**
 * Serving a two_tower or gnn version (the GPU trainer's artifacts, docs/trainer-contract.md
 * section 7): item vectors into the version's index on deploy, and the user tower run over the
 * user's history at request time (core/ml/user-tower.ts). Planted vectors make the expected
 * answer known: each item's vector is its category's unit vector, so a user who liked bags has
 * h = the bags direction; W = 0 (gnn's fold-in) serves bags, W = P - I (u = P h, P moving each
 * category to the next) serves the next category: the tower is applied, not skipped.
 */
let t: SeededTenant;
const items = env.TEST_SAMPLE_DATA.items;
const categories = [...new Set(items.map((i) => i.category!))].sort();
const D = categories.length;
const categoryOf = new Map(items.map((i) => [i.item_id, i.category!]));

async function registerTower(version: string, w: Float32Array, options: { withTower?: boolean } = {}) {
  const prefix = `tenants/${t.tenantId}/models/${version}`;
  const modelType = version.startsWith("gnn") ? "gnn" : "two_tower";
  const ids = items.map((i) => i.item_id);
  const vectors = new Float32Array(ids.length * D);
  ids.forEach((id, n) => (vectors[n * D + categories.indexOf(categoryOf.get(id)!)] = 1));
  await env.DATA.put(
    `${prefix}/model.json`,
    JSON.stringify({ model_type: modelType, format_version: 1, factors: D, regularization: 0, alpha: 0, items: ids }),
  );
  await env.DATA.put(`${prefix}/item_factors.f32`, vectors.buffer);
  if (options.withTower !== false) {
    const tower = new Float32Array(D * D + D);
    tower.set(w);
    await env.DATA.put(`${prefix}/user_tower.f32`, tower.buffer);
  }
  await env.DB.prepare(
    `INSERT INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics, training_job_id, artifact_prefix, created_at)
     VALUES (?, 'recommender', ?, ?, 'pending', 0, '{}', NULL, ?, ?)`,
  )
    .bind(t.tenantId, version, modelType, prefix, new Date().toISOString())
    .run();
}

async function recommend(userId: string) {
  return post<Internal>(t.adminKey, "/internal/ml/recommendations", {
    tenant_id: t.tenantId,
    user_id: userId,
    count: 5,
  });
}

beforeAll(async () => {
  t = await sampleTenant("tower");
}, 90_000);

describe("serving a two_tower or gnn version", () => {
  const bag = items.find((i) => i.category === "gear-bags")!.item_id;
  const next = categories[(categories.indexOf("gear-bags") + 1) % D]!;

  it("gnn (W = 0): a new user who clicked a bag is served bags from the version, without retraining", async () => {
    await registerTower("gnn-test-1", new Float32Array(D * D));
    expect((await post(t.adminKey, "/api/v1/model/deploy/gnn-test-1", {})).status).toBe(200);
    await act(t, "tower-user", [{ item_id: bag, interaction_type: "click" }]);
    const res = await recommend("tower-user");
    expect(res.body.model_version).toBe("gnn-test-1");
    expect(res.body.recommendations.every((r) => r.embedding_distance !== null)).toBe(true);
    expect(
      res.body.recommendations.filter((r) => categoryOf.get(r.item_id) === "gear-bags").length,
    ).toBeGreaterThanOrEqual(4);
  });

  it("two_tower (u = P h): the same history is served the next category: the tower's weights are applied", async () => {
    const w = new Float32Array(D * D);
    // u[r] = h[r] + sum_c W[r, c] h[c] = h[r - 1]: W = P - I.
    for (let r = 0; r < D; r++) {
      w[r * D + r] = -1;
      w[r * D + ((r - 1 + D) % D)]! += 1;
    }
    await registerTower("tt-test-1", w);
    expect((await post(t.adminKey, "/api/v1/model/deploy/tt-test-1", {})).status).toBe(200);
    const res = await recommend("tower-user");
    expect(res.body.model_version).toBe("tt-test-1");
    expect(res.body.recommendations.filter((r) => categoryOf.get(r.item_id) === next).length).toBeGreaterThanOrEqual(4);
  });

  it("refuses to deploy a tower version without user_tower.f32", async () => {
    await registerTower("tt-broken", new Float32Array(D * D), { withTower: false });
    const res = await post<ErrorBody>(t.adminKey, "/api/v1/model/deploy/tt-broken", {});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("its artifact user_tower.f32 is missing");
  });
});
