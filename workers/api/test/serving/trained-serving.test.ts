import { env } from "cloudflare:workers";
import type { z } from "zod";
import type {
  DeployResponse,
  InternalRecommendationsResponse,
  PublicRecommendationsResponse,
  RankingExplanation,
} from "@edge-ml/core/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { LABELS, type InteractionTypeName } from "@edge-ml/core/ingest/labels";
import { trainAls } from "@edge-ml/core/ml/als";
import { foldInEvents } from "@edge-ml/core/ml/fold-in";
import { interactionsFromRows } from "@edge-ml/core/ml/interactions";
import type { ErrorBody, SeededTenant } from "../helpers";
import { registerTrainedAls } from "../training/model-helpers";
import { act, get, post, sampleTenant } from "./serving-helpers";

type Public = z.infer<typeof PublicRecommendationsResponse>;
type Internal = z.infer<typeof InternalRecommendationsResponse>;
type Explanation = z.infer<typeof RankingExplanation>;
type Deploy = z.infer<typeof DeployResponse>;

/**
 * Serving with a trained recommender: the model is trained here with the trainer's own code
 * (core/ml) on the sample events, its artifacts written to R2 as the trainer uploads them
 * (docs/trainer-contract.md), registered as trainer-dispatch registers a completed job, and
 * deployed through the API.
 */
let t: SeededTenant;
const VERSION = "mf-test-1";
const params = { factors: 16, iterations: 8, regularization: 5, alpha: 2, cgSteps: 0, seed: 7 };
let model: ReturnType<typeof trainAls>;
let itemIds: string[];

beforeAll(async () => {
  t = await sampleTenant("trained");
  const rows = env.TEST_SAMPLE_DATA.events.map((e) => ({
    user_id: e.user_id,
    item_id: e.item_id,
    label: LABELS[e.interaction_type as InteractionTypeName],
    timestamp: Date.parse(e.timestamp) / 1000,
  }));
  const { matrix, items } = interactionsFromRows(rows);
  model = trainAls(matrix, params);
  itemIds = items.ids;
  await registerTrainedAls(t.tenantId, VERSION, model, itemIds);
}, 90_000);

describe("serving a deployed recommender", () => {
  it("before the deploy serves the content profile; after it, the model's version", async () => {
    const before = await post<Public>(t.adminKey, "/api/v1/recommendations", { user_id: "demo-user-4", count: 5 });
    expect(before.body.metadata.model_version).toMatch(/^content-profile-v1/);
    const deployed = await post<Deploy>(t.adminKey, `/api/v1/model/deploy/${VERSION}`, {});
    expect(deployed.status).toBe(200);
    const after = await post<Public>(t.adminKey, "/api/v1/recommendations", { user_id: "demo-user-4", count: 5 });
    expect(after.status).toBe(200);
    expect(after.body.metadata.model_version).toBe(VERSION);
    expect(after.body.metadata.cache_hit).toBe(false);
    expect(after.body.recommendations).toHaveLength(5);
  });

  it("the user's vector is the fold-in of their events: the top cf item is the model's best unseen item", async () => {
    const user = "demo-user-4";
    const mine = env.TEST_SAMPLE_DATA.events.filter((e) => e.user_id === user);
    const res = await get<Explanation>(t.adminKey, `/debug/ranking/${mine[0]!.item_id}?user_id=${user}`);
    expect(res.status).toBe(200);
    // The same fold-in computed here from the trained factors ranks every item.
    const index = new Map(itemIds.map((id, i) => [id, i]));
    const history = [...mine].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    const u = foldInEvents(
      model,
      history.map((e) => index.get(e.item_id)!),
      history.map((e) => LABELS[e.interaction_type as InteractionTypeName]),
    );
    const k = params.factors;
    const scores = itemIds.map((id, i) => {
      let s = 0;
      for (let f = 0; f < k; f++) s += u[f]! * model.itemFactors[i * k + f]!;
      return { id, s };
    });
    scores.sort((a, b) => b.s - a.s);
    const best = await get<Explanation>(t.adminKey, `/debug/ranking/${scores[0]!.id}?user_id=${user}`);
    expect(best.body.breakdown.cf_score).toBeCloseTo(1, 5);
    const worst = await get<Explanation>(t.adminKey, `/debug/ranking/${scores.at(-1)!.id}?user_id=${user}`);
    expect(worst.body.breakdown.cf_score).toBeLessThan(best.body.breakdown.cf_score);
  });

  it("a new user is personalized by the model after one click, without retraining", async () => {
    const bag = env.TEST_SAMPLE_DATA.items.find((i) => i.category === "gear-bags")!.item_id;
    const cold = await post<Internal>(t.adminKey, "/internal/ml/recommendations", {
      tenant_id: t.tenantId,
      user_id: "brand-new-user",
      count: 5,
    });
    expect(cold.body.recommendations.every((r) => r.embedding_distance === null)).toBe(true);
    await act(t, "brand-new-user", [{ item_id: bag, interaction_type: "click" }]);
    const warm = await post<Internal>(t.adminKey, "/internal/ml/recommendations", {
      tenant_id: t.tenantId,
      user_id: "brand-new-user",
      count: 5,
    });
    expect(warm.body.model_version).toBe(VERSION);
    expect(warm.body.recommendations.every((r) => r.embedding_distance !== null)).toBe(true);
  });

  it("refuses to deploy a version whose artifacts are missing, and serving keeps the current one", async () => {
    await env.DB.prepare(
      `INSERT INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics, training_job_id, artifact_prefix, created_at)
       VALUES (?, 'recommender', 'mf-broken', 'matrix_factorization', 'pending', 0, '{}', NULL, ?, ?)`,
    )
      .bind(t.tenantId, `tenants/${t.tenantId}/models/mf-broken`, new Date().toISOString())
      .run();
    const res = await post<ErrorBody>(t.adminKey, "/api/v1/model/deploy/mf-broken", {});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("model.json is missing");
    const still = await post<Public>(t.adminKey, "/api/v1/recommendations", { user_id: "demo-user-4", count: 3 });
    expect(still.body.metadata.model_version).toBe(VERSION);
  });
});
