import { beforeAll, describe, expect, it } from "vitest";
import { call, type SeededTenant } from "../helpers";
import { classifierTenant, headlines, registerClassifier, scrambled } from "../classify/classify-helpers";
import { assign, createExperiment } from "./experiment-helpers";

type Predicted = { model_version: string; category: string; experiment?: { experiment_id: string; variant: string } };

let t: SeededTenant;
let id: string;

async function predict(userId?: string) {
  const res = await call("/api/v1/predict", {
    method: "POST",
    token: t.adminKey,
    body: { headline: "the coach says the team won the match", ...(userId ? { user_id: userId } : {}) },
  });
  expect(res.status).toBe(200);
  return { headers: res.headers, body: (await res.json()) as Predicted };
}

beforeAll(async () => {
  t = await classifierTenant("exp-predict");
  await registerClassifier(t.tenantId, "cls-prod", headlines(20, 1), true);
  await registerClassifier(t.tenantId, "cls-challenger", scrambled(headlines(20, 2), 3), false);
  id = await createExperiment(t, {
    surfaces: ["predict"],
    variants: { control: { config: {} }, treatment: { config: { classifier_version: "cls-challenger" } } },
  });
});

describe("experiments on /api/v1/predict", () => {
  it("a user's variant classifies with its classifier_version, named in the response and headers, sticky across calls", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const user = `reader-${i}`;
      const { headers, body } = await predict(user);
      const variant = headers.get("X-Experiment-Variant");
      expect(headers.get("X-Experiment-Id")).toBe(id);
      expect(body.experiment).toEqual({ experiment_id: id, variant });
      expect(body.model_version).toBe(variant === "treatment" ? "cls-challenger" : "cls-prod");
      // The assignment route (and the next prediction) agree: one variant per user.
      expect((await assign(t.adminKey, id, user)).body.variant).toBe(variant);
      expect((await predict(user)).body.model_version).toBe(body.model_version);
      seen.add(variant!);
    }
    expect([...seen].sort()).toEqual(["control", "treatment"]);
  });

  it("without a user_id the production classifier answers, outside any experiment", async () => {
    const { headers, body } = await predict();
    expect(headers.get("X-Experiment-Variant")).toBeNull();
    expect(body.experiment).toBeUndefined();
    expect(body.model_version).toBe("cls-prod");
  });

  it("an experiment that names no surfaces applies to search and recommendations, not to predict", async () => {
    const other = await classifierTenant("exp-predict-default");
    await registerClassifier(other.tenantId, "cls-prod", headlines(20, 4), true);
    await registerClassifier(other.tenantId, "cls-b", headlines(20, 5), false);
    await createExperiment(other, {
      variants: { control: { config: {} }, treatment: { config: { classifier_version: "cls-b" } } },
    });
    const res = await call("/api/v1/predict", {
      method: "POST",
      token: other.adminKey,
      body: { headline: "senate vote on the bill", user_id: "someone" },
    });
    expect(res.headers.get("X-Experiment-Variant")).toBeNull();
    expect(((await res.json()) as Predicted).model_version).toBe("cls-prod");
  });
});
