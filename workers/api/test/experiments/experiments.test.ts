import { describe, expect, it } from "vitest";
import { seedTenant } from "../helpers";
import { assign, createExperiment, experimentBody, readKey, send, type Err } from "./experiment-helpers";

describe("experiments: create, read, change", () => {
  it("creates a running experiment and reads its configuration", async () => {
    const t = await seedTenant("exp-crud");
    const created = await send(t.adminKey, "POST", "/experiments", experimentBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Test New Ranking Weights", status: "running" });
    const id = created.body.experiment_id as string;
    const got = await send(t.adminKey, "GET", `/experiments/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      experiment_id: id,
      status: "running",
      control: "control",
      traffic_split: { control: 0.5, treatment: 0.5 },
      variants: { treatment: { config: { ranking_weights: [0.3, 0.4, 0.2, 0.1] } } },
      namespace: "default",
      namespace_range: [0, 1],
    });
  });

  it.each([
    [
      "a split that does not sum to 1",
      { traffic_split: { control: 0.5, treatment: 0.6 } },
      "traffic_split",
      /sum to 1/,
    ],
    ["a share outside (0, 1]", { traffic_split: { control: 0, treatment: 1 } }, "traffic_split.control", /\(0, 1\]/],
    [
      "an unknown variant in the split",
      { traffic_split: { control: 0.5, other: 0.5 } },
      "traffic_split.other",
      /unknown variant 'other'/,
    ],
    [
      "ranking weights of three numbers",
      { variants: { control: { config: {} }, treatment: { config: { ranking_weights: [1, 1, 1] } } } },
      "variants.treatment.config.ranking_weights",
      /4 numbers/,
    ],
    [
      "negative ranking weights",
      { variants: { control: { config: {} }, treatment: { config: { ranking_weights: [1, -1, 0, 0] } } } },
      "variants.treatment.config.ranking_weights.1",
      /non-negative/,
    ],
    [
      "a model version that does not exist",
      { variants: { control: { config: {} }, treatment: { config: { model_version: "als-v404" } } } },
      "variants.treatment.config.model_version",
      /not a recommender version/,
    ],
    [
      "a classifier version that does not exist",
      { variants: { control: { config: {} }, treatment: { config: { classifier_version: "clf-v404" } } } },
      "variants.treatment.config.classifier_version",
      /not a classifier version/,
    ],
    ["an unknown control", { control: "nobody" }, "control", /unknown variant 'nobody'/],
  ])("refuses %s with 400 and the field", async (_what, over, field, message) => {
    const t = await seedTenant("exp-bad");
    const res = await send<Err>(t.adminKey, "POST", "/experiments", experimentBody(over));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
  });

  it("pauses, resumes and completes; a completed experiment changes no more and assigns nobody", async () => {
    const t = await seedTenant("exp-status");
    const id = await createExperiment(t);
    const paused = await send(t.adminKey, "PATCH", `/experiments/${id}`, { status: "paused" });
    expect(paused.body.status).toBe("paused");
    const refused = await assign(t.adminKey, id, "u1");
    expect(refused.status).toBe(409);
    expect((refused.body as unknown as Err).error.message).toMatch(/paused: it assigns no variant/);
    expect((await send(t.adminKey, "PATCH", `/experiments/${id}`, { status: "running" })).body.status).toBe("running");
    expect((await assign(t.adminKey, id, "u1")).status).toBe(200);
    const done = await send(t.adminKey, "PATCH", `/experiments/${id}`, { status: "completed" });
    expect(done.body).toMatchObject({ status: "completed" });
    expect(done.body.completed_at).toEqual(expect.any(String));
    expect((await assign(t.adminKey, id, "u1")).status).toBe(409);
    const again = await send<Err>(t.adminKey, "PATCH", `/experiments/${id}`, { status: "running" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("CONFLICT");
  });

  it("refuses a split change that names other variants", async () => {
    const t = await seedTenant("exp-split");
    const id = await createExperiment(t);
    const res = await send<Err>(t.adminKey, "PATCH", `/experiments/${id}`, { traffic_split: { control: 0.5, b: 0.5 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("traffic_split.b");
  });

  it("is admin only, except assignment, which any authenticated client may ask", async () => {
    const t = await seedTenant("exp-perm");
    const id = await createExperiment(t);
    const reader = await readKey(t);
    expect((await send<Err>(reader, "POST", "/experiments", experimentBody())).status).toBe(403);
    expect((await send<Err>(reader, "GET", `/experiments/${id}`)).status).toBe(403);
    expect((await send<Err>(reader, "GET", `/experiments/${id}/results`)).status).toBe(403);
    expect((await send<Err>(reader, "PATCH", `/experiments/${id}`, { status: "paused" })).status).toBe(403);
    expect((await assign(reader, id, "u1")).status).toBe(200);
  });

  it("answers 404 for another tenant's experiment on every route", async () => {
    const a = await seedTenant("exp-a");
    const b = await seedTenant("exp-b");
    const id = await createExperiment(a);
    for (const [method, path, body] of [
      ["GET", `/experiments/${id}`, undefined],
      ["GET", `/experiments/${id}/results`, undefined],
      ["POST", `/experiments/${id}/assign`, { user_id: "u1" }],
      ["PATCH", `/experiments/${id}`, { status: "paused" }],
    ] as const) {
      const res = await send<Err>(b.adminKey, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
    }
    expect((await send(a.adminKey, "GET", `/experiments/${id}`)).body.status).toBe("running");
  });
});
