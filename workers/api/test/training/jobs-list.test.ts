import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { catalogKey } from "@edge-ml/core/ingest/catalog";
import type { TrainingJobList, TriggerTrainingResponse } from "@edge-ml/core/schemas";
import { call, seedTenant, type ErrorBody, type SeededTenant } from "../helpers";

type List = z.infer<typeof TrainingJobList>;
type Triggered = z.infer<typeof TriggerTrainingResponse>;

// Enterprise: /api/v1/model/* allows 100/min there, so the test is not throttled.
const tenant = (label: string) => seedTenant(label, "active", "enterprise");
const range = { start_date: "2026-01-01", end_date: "2026-01-31" };

async function trigger(t: SeededTenant, model_type: string, data_range = range): Promise<Triggered> {
  const res = await call("/internal/ml/training/trigger", {
    method: "POST",
    token: t.adminKey,
    body: { tenant_id: t.tenantId, training_config: { model_type, data_range } },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Triggered;
}

describe("GET /api/v1/model/train (the console's job list)", () => {
  it("lists the tenant's jobs newest first with their status and history, filters by status and pages", async () => {
    const t = await tenant("jobs-list");
    await env.DATA.put(
      catalogKey(t.tenantId),
      JSON.stringify({ tenant_id: t.tenantId, partitions: [{ date: "2026-01-15", row_count: 100 }] }),
    );
    const queued = await trigger(t, "matrix_factorization");
    // A range without data is recorded failed at once: a second job without a 409.
    const failed = await trigger(t, "matrix_factorization", { start_date: "2025-01-01", end_date: "2025-01-31" });
    expect([queued.status, failed.status]).toEqual(["queued", "failed"]);

    const res = await call("/api/v1/model/train", { token: t.adminKey });
    expect(res.status).toBe(200);
    const list = (await res.json()) as List;
    expect(list).toMatchObject({ total: 2, limit: 10, offset: 0 });
    expect(list.jobs.map((j) => [j.training_job_id, j.status])).toEqual([
      [failed.job_id, "failed"],
      [queued.job_id, "queued"],
    ]);
    expect(list.jobs[1]).toMatchObject({ model_type: "matrix_factorization", progress: 0, history: [] });

    const onlyQueued = (await (await call("/api/v1/model/train?status=queued", { token: t.adminKey })).json()) as List;
    expect(onlyQueued.jobs.map((j) => j.training_job_id)).toEqual([queued.job_id]);
    const page = (await (await call("/api/v1/model/train?limit=1&offset=1", { token: t.adminKey })).json()) as List;
    expect(page.jobs.map((j) => j.training_job_id)).toEqual([queued.job_id]);
  });

  it("shows no other tenant's jobs and rejects a bad status on the field", async () => {
    const a = await tenant("jobs-list-a");
    const b = await tenant("jobs-list-b");
    await trigger(a, "two_tower");
    const theirs = (await (await call("/api/v1/model/train", { token: b.adminKey })).json()) as List;
    expect(theirs).toMatchObject({ jobs: [], total: 0 });
    const bad = await call("/api/v1/model/train?status=done", { token: a.adminKey });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.details.field).toBe("status");
  });

  it("leaves out an auto job's candidates (the dispatcher's rows), which stay readable by id", async () => {
    const t = await tenant("jobs-list-auto");
    await env.DATA.put(
      catalogKey(t.tenantId),
      JSON.stringify({ tenant_id: t.tenantId, partitions: [{ date: "2026-01-15", row_count: 100 }] }),
    );
    const parent = await trigger(t, "auto");
    // As the dispatcher's candidates.ts writes one: a copy of the parent with parent_job_id set.
    const candidate = crypto.randomUUID();
    await env.DB.prepare(
      `INSERT INTO training_jobs (id, tenant_id, model_type, status, hyperparameters, data_range, total_epochs, callback_secret, estimated_duration_minutes, created_at, updated_at, parent_job_id)
       SELECT ?, tenant_id, 'two_tower', 'queued', hyperparameters, data_range, total_epochs, callback_secret, estimated_duration_minutes, created_at, updated_at, id
         FROM training_jobs WHERE id = ?`,
    )
      .bind(candidate, parent.job_id)
      .run();
    const list = (await (await call("/api/v1/model/train", { token: t.adminKey })).json()) as List;
    expect(list).toMatchObject({ total: 1 });
    expect(list.jobs.map((j) => j.training_job_id)).toEqual([parent.job_id]);
    const one = await call(`/api/v1/model/train/${candidate}`, { token: t.adminKey });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ training_job_id: candidate, model_type: "two_tower" });
  });
});
