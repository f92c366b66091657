import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { keyringFrom, openSecret, sealedFor } from "@edge-ml/core/auth";
import { catalogKey } from "@edge-ml/core/ingest/catalog";
import type { TrainingJobStatus, TriggerTrainingResponse, V1CreatedApiKey } from "@edge-ml/core/schemas";
import { call, seedTenant, type ErrorBody, type SeededTenant } from "../helpers";

// The response types are the api's own schemas (core/schemas/training.ts, api-keys.ts), never copies.
type TriggerBody = z.infer<typeof TriggerTrainingResponse>;
type JobBody = z.infer<typeof TrainingJobStatus>;
type CreatedKey = z.infer<typeof V1CreatedApiKey>;

/** Tenants on the enterprise plan: /api/v1/model/* allows 100/min there, so tests are not throttled. */
const tenant = (label: string) => seedTenant(label, "active", "enterprise");

/** A catalog.json as the ingest worker writes it (only the fields the trigger reads). */
async function seedCatalog(tenantId: string, partitions: Record<string, number>) {
  await env.DATA.put(
    catalogKey(tenantId),
    JSON.stringify({
      tenant_id: tenantId,
      partitions: Object.entries(partitions).map(([date, row_count]) => ({ date, row_count })),
    }),
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function trigger(t: SeededTenant, config: Record<string, unknown>, token = t.adminKey, tenantId = t.tenantId) {
  return call("/internal/ml/training/trigger", {
    method: "POST",
    token,
    body: { tenant_id: tenantId, training_config: config },
  });
}

const MF = {
  model_type: "matrix_factorization",
  data_range: { start_date: "2026-01-01", end_date: "2026-01-31" },
};

async function jobRow(id: string) {
  return env.DB.prepare("SELECT * FROM training_jobs WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

async function keyWith(t: SeededTenant, permissions: string[]) {
  const res = await call("/api/v1/api-keys", {
    method: "POST",
    token: t.adminKey,
    body: { name: "limited", permissions },
  });
  return ((await res.json()) as CreatedKey).key;
}

afterEach(() => vi.restoreAllMocks());

describe("POST /internal/ml/training/trigger: validation", () => {
  it.each([
    [{ ...MF, model_type: "svd" }, "training_config.model_type", /model_type must be one of/],
    [{ ...MF, hyperparameters: { factors: 1024 } }, "training_config.hyperparameters.factors", /<= 512, got 1024/],
    [{ ...MF, hyperparameters: { embedding_dim: 0 } }, "training_config.hyperparameters.embedding_dim", />= 1/],
    [{ ...MF, hyperparameters: { epochs: 2.5 } }, "training_config.hyperparameters.epochs", /integer/],
    [{ ...MF, hyperparameters: { iterations: 101 } }, "training_config.hyperparameters.iterations", /<= 100/],
    [{ ...MF, hyperparameters: { regularization: 0 } }, "training_config.hyperparameters.regularization", /> 0/],
    [{ ...MF, hyperparameters: { cg_steps: 65 } }, "training_config.hyperparameters.cg_steps", /<= 64/],
    [{ ...MF, hyperparameters: { seed: -1 } }, "training_config.hyperparameters.seed", />= 0/],
    [{ ...MF, hyperparameters: { alpha: "2" } }, "training_config.hyperparameters.alpha", /must be a number/],
    [{ ...MF, hyperparameters: { dropout: 0.1 } }, "training_config.hyperparameters.dropout", /unknown hyperparameter/],
    [
      { ...MF, hyperparameters: { factors: 32, embedding_dim: 32 } },
      "training_config.hyperparameters.embedding_dim",
      /name the same hyperparameter/,
    ],
    [{ ...MF, hyperparameters: { learning_rate: 0 } }, "training_config.hyperparameters.learning_rate", /> 0/],
    [{ ...MF, hyperparameters: { frequency_scaling: 2 } }, "training_config.hyperparameters.frequency_scaling", /<= 1/],
    [
      { ...MF, model_type: "item_to_item", hyperparameters: { neighbours: 0 } },
      "training_config.hyperparameters.neighbours",
      />= 1/,
    ],
    [
      { ...MF, model_type: "item_to_item", hyperparameters: { lambda: 0 } },
      "training_config.hyperparameters.lambda",
      /> 0/,
    ],
    [
      { ...MF, model_type: "item_to_item", hyperparameters: { factors: 8 } },
      "training_config.hyperparameters.factors",
      /unknown hyperparameter for item_to_item/,
    ],
    [
      { ...MF, model_type: "auto", hyperparameters: { regularization: -1 } },
      "training_config.hyperparameters.regularization",
      /> 0/,
    ],
    [
      { ...MF, data_range: { start_date: "2026-02-01", end_date: "2026-01-01" } },
      "training_config.data_range.end_date",
      /must not be before start_date/,
    ],
    [
      { ...MF, data_range: { start_date: "2024-01-01", end_date: "2026-01-01" } },
      "training_config.data_range.end_date",
      /at most 366 days/,
    ],
    [
      { ...MF, data_range: { start_date: "2026-02-30", end_date: "2026-03-01" } },
      "training_config.data_range.start_date",
      /ISO 8601 date/,
    ],
    [
      { ...MF, data_range: { start_date: "yesterday", end_date: "2026-03-01" } },
      "training_config.data_range.start_date",
      /ISO 8601 date/,
    ],
    [{ ...MF, data_range: { start_date: "2026-01-01" } }, "training_config.data_range.end_date", /end_date/],
    [
      { model_type: "two_tower", hyperparameters: { learning_rate: 0 } },
      "training_config.hyperparameters.learning_rate",
      /> 0/,
    ],
  ] as const)("400 %# (%s)", async (config, field, message) => {
    const t = await tenant("train-400");
    const res = await trigger(t, config as Record<string, unknown>);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details.field).toBe(field);
    expect(body.error.message).toMatch(message);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM training_jobs WHERE tenant_id = ?")
      .bind(t.tenantId)
      .first<{ n: number }>())!;
    expect(n).toBe(0);
  });

  it("403 when tenant_id is another tenant's, with the field", async () => {
    const t = await tenant("train-403");
    const res = await trigger(t, MF, t.adminKey, crypto.randomUUID());
    expect(res.status).toBe(403);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("FORBIDDEN");
    expect(body.error.details.field).toBe("tenant_id");
  });

  it("403 without the admin permission, 401 without a credential", async () => {
    const t = await tenant("train-perm");
    const res = await trigger(t, MF, await keyWith(t, ["read", "write"]));
    expect(res.status).toBe(403);
    expect((await call("/internal/ml/training/trigger", { method: "POST", body: {} })).status).toBe(401);
  });
});

describe("POST /internal/ml/training/trigger: jobs", () => {
  it("creates a queued job with resolved hyperparameters and sends { job_id, tenant_id } to the training queue", async () => {
    const t = await tenant("train-ok");
    await seedCatalog(t.tenantId, { "2025-12-31": 5, "2026-01-05": 600_000, "2026-01-20": 600_000, "2026-02-01": 7 });
    const send = vi.spyOn(env.TRAINING_QUEUE, "send");
    const res = await trigger(t, { ...MF, hyperparameters: { embedding_dim: 128, epochs: 20, alpha: 4 } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as TriggerBody;
    expect(body.status).toBe("queued");
    expect(body.error).toBeNull();
    // Fit: 0.9 s x 1.2 (M rows) x 20 iterations x 128/64 factors = 43.2 s; search budget
    // 20 + 400 x 1.2 = 500 s; 543.2 s -> 10 minutes.
    expect(body.estimated_duration_minutes).toBe(10);
    expect(send).toHaveBeenCalledWith({ job_id: body.job_id, tenant_id: t.tenantId }, { contentType: "json" });

    const row = (await jobRow(body.job_id))!;
    expect(row).toMatchObject({ tenant_id: t.tenantId, status: "queued", model_type: "matrix_factorization" });
    // What was given, plus the settings never searched; regularization and frequency
    // scaling are left to the trainer's search (core/ml/tuning.ts).
    expect(JSON.parse(row.hyperparameters as string)).toEqual({
      factors: 128,
      iterations: 20,
      alpha: 4,
      cg_steps: 3,
      seed: 42,
    });
    expect(body.warnings).toEqual([]);
    expect(JSON.parse(row.data_range as string)).toEqual({ start_date: "2026-01-01", end_date: "2026-01-31" });
    expect(row.total_epochs).toBe(20);
    // Sealed at rest (core/auth/sealed-secrets.ts); opened, it is 256 random bits.
    expect(row.callback_secret).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const opened = await openSecret(
      await keyringFrom(env.SECRETS_KEY),
      row.callback_secret as string,
      sealedFor.job(body.job_id),
    );
    expect(opened).toEqual({ secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), legacy: false });

    const status = await call(`/api/v1/model/train/${body.job_id}`, { token: t.adminKey });
    expect(status.status).toBe(200);
    const job = (await status.json()) as JobBody;
    expect(job).toMatchObject({ training_job_id: body.job_id, status: "queued", progress: 0, current_epoch: 0 });
    expect(job.total_epochs).toBe(20);
    expect(job.estimated_completion).toBeNull();
    expect(job.history).toEqual([]);
    expect(job.correlation_id).toBe(status.headers.get("x-correlation-id"));
  });

  it("the estimate grows with the data: 0.9 s per iteration per 1M rows at 64 factors, plus the search's budget", async () => {
    const t = await tenant("train-est");
    await seedCatalog(t.tenantId, { "2026-01-10": 40_000_000 });
    const searched = (await (await trigger(t, MF)).json()) as TriggerBody;
    // Fit 0.9 x 40 x 15 = 540 s; search budget min(1800, 20 + 400 x 40) = 1800 s; 2340 s = 39 minutes.
    expect(searched.estimated_duration_minutes).toBe(39);
    await call(`/api/v1/model/train/${searched.job_id}/cancel`, { method: "POST", token: t.adminKey });
    // Everything tunable given: no search, the fit alone.
    const given = await trigger(t, {
      ...MF,
      hyperparameters: { factors: 64, regularization: 10, alpha: 4, frequency_scaling: 0 },
    });
    expect(((await given.json()) as TriggerBody).estimated_duration_minutes).toBe(9);
  });

  it("the contract's example trigger is accepted: learning_rate with ALS is reported as unused in warnings", async () => {
    const t = await tenant("train-contract");
    await seedCatalog(t.tenantId, { "2026-01-10": 100 });
    // platform-api.md "Trigger Model Training", as written there.
    const res = await trigger(t, {
      model_type: "matrix_factorization",
      hyperparameters: { embedding_dim: 128, learning_rate: 0.001, epochs: 10 },
      data_range: { start_date: "2026-01-01T00:00:00Z", end_date: "2026-01-31T00:00:00Z" },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as TriggerBody;
    expect(body.status).toBe("queued");
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toMatch(/^learning_rate is not used by matrix_factorization/);
    const row = (await jobRow(body.job_id))!;
    expect(JSON.parse(row.hyperparameters as string)).toEqual({ factors: 128, iterations: 10, cg_steps: 3, seed: 42 });
    expect(row.total_epochs).toBe(10);
    const job = (await (await call(`/api/v1/model/train/${body.job_id}`, { token: t.adminKey })).json()) as JobBody;
    expect(job.warnings).toEqual(body.warnings);
  });

  it("date-times count their whole UTC day; no data_range means the last 90 days", async () => {
    const t = await tenant("train-range");
    await seedCatalog(t.tenantId, { [today()]: 10, "2020-01-01": 10 });
    const a = (await (
      await trigger(t, {
        model_type: "matrix_factorization",
        data_range: { start_date: `${today()}T23:00:00Z`, end_date: `${today()}T23:30:00.000Z` },
      })
    ).json()) as TriggerBody;
    expect(a.status).toBe("queued");
    expect(JSON.parse((await jobRow(a.job_id))!.data_range as string)).toEqual({
      start_date: today(),
      end_date: today(),
    });
    await call(`/api/v1/model/train/${a.job_id}/cancel`, { method: "POST", token: t.adminKey });

    const b = (await (await trigger(t, { model_type: "matrix_factorization" })).json()) as TriggerBody;
    expect(b.status).toBe("queued");
    const range = JSON.parse((await jobRow(b.job_id))!.data_range as string) as {
      start_date: string;
      end_date: string;
    };
    expect(range.end_date).toBe(today());
    expect((Date.parse(range.end_date) - Date.parse(range.start_date)) / 86_400_000).toBe(89);
  });

  it("an empty data range answers 202 with a failed job and the reason; nothing is queued", async () => {
    const t = await tenant("train-empty");
    await seedCatalog(t.tenantId, { "2025-06-01": 100 });
    const send = vi.spyOn(env.TRAINING_QUEUE, "send");
    const res = await trigger(t, MF);
    expect(res.status).toBe(202);
    const body = (await res.json()) as TriggerBody;
    expect(body).toMatchObject({
      status: "failed",
      error: "no training data between 2026-01-01 and 2026-01-31",
      estimated_duration_minutes: 0,
    });
    expect(send).not.toHaveBeenCalled();
    const job = (await (await call(`/api/v1/model/train/${body.job_id}`, { token: t.adminKey })).json()) as JobBody;
    expect(job).toMatchObject({ status: "failed", error: "no training data between 2026-01-01 and 2026-01-31" });

    // A tenant that never ingested anything (no catalog.json) gets the same answer.
    const fresh = await tenant("train-nodata");
    expect(((await (await trigger(fresh, MF)).json()) as TriggerBody).status).toBe("failed");
  });

  it.each(["two_tower", "gnn"])(
    "%s: the job is queued for its trainer (the dispatcher routes it by type)",
    async (type) => {
      const t = await tenant(`train-${type}`);
      await seedCatalog(t.tenantId, { "2026-01-10": 100 });
      const send = vi.spyOn(env.TRAINING_QUEUE, "send");
      const res = await trigger(t, {
        model_type: type,
        hyperparameters: { embedding_dim: 128, learning_rate: 0.001, epochs: 10 },
        data_range: MF.data_range,
      });
      expect(res.status).toBe(202);
      const body = (await res.json()) as TriggerBody;
      expect(body).toMatchObject({ status: "queued", error: null });
      expect(send).toHaveBeenCalledWith({ job_id: body.job_id, tenant_id: t.tenantId }, { contentType: "json" });
      const row = (await jobRow(body.job_id))!;
      expect(row).toMatchObject({ status: "queued", model_type: type, total_epochs: 10 });
      expect(JSON.parse(row.hyperparameters as string)).toEqual({
        embedding_dim: 128,
        learning_rate: 0.001,
        epochs: 10,
      });
    },
  );

  it("two concurrent triggers: exactly one 202 and one 409 naming the running job", async () => {
    const t = await tenant("train-race");
    await seedCatalog(t.tenantId, { "2026-01-10": 100 });
    const [a, b] = await Promise.all([trigger(t, MF), trigger(t, MF)]);
    const statuses = [a!.status, b!.status].sort();
    expect(statuses).toEqual([202, 409]);
    const ok = (await (a!.status === 202 ? a! : b!).json()) as TriggerBody;
    const conflict = (await (a!.status === 409 ? a! : b!).json()) as ErrorBody;
    expect(conflict.error.code).toBe("CONFLICT");
    expect(conflict.error.details.job_id).toBe(ok.job_id);
    expect(conflict.error.message).toContain(ok.job_id);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM training_jobs WHERE tenant_id = ?")
      .bind(t.tenantId)
      .first<{ n: number }>())!;
    expect(n).toBe(1);

    // Running counts too; once the job is cancelled the slot is free.
    await env.DB.prepare("UPDATE training_jobs SET status = 'running' WHERE id = ?").bind(ok.job_id).run();
    expect((await trigger(t, MF)).status).toBe(409);
    await call(`/api/v1/model/train/${ok.job_id}/cancel`, { method: "POST", token: t.adminKey });
    expect((await trigger(t, MF)).status).toBe(202);
  });

  it("another tenant's job is not visible (404)", async () => {
    const a = await tenant("train-a");
    const b = await tenant("train-b");
    await seedCatalog(a.tenantId, { "2026-01-10": 100 });
    const job = (await (await trigger(a, MF)).json()) as TriggerBody;
    const res = await call(`/api/v1/model/train/${job.job_id}`, { token: b.adminKey });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    const cancel = await call(`/api/v1/model/train/${job.job_id}/cancel`, { method: "POST", token: b.adminKey });
    expect(cancel.status).toBe(404);
    expect((await call(`/api/v1/model/train/${crypto.randomUUID()}`, { token: a.adminKey })).status).toBe(404);
    expect((await call("/api/v1/model/train/not-a-uuid", { token: a.adminKey })).status).toBe(400);
  });

  it("status shows the trainer's progress, history and an extrapolated completion", async () => {
    const t = await tenant("train-progress");
    await seedCatalog(t.tenantId, { "2026-01-10": 100 });
    const job = (await (await trigger(t, MF)).json()) as TriggerBody;
    const started = new Date(Date.now() - 10_000).toISOString();
    await env.DB.prepare(
      `UPDATE training_jobs SET status = 'running', progress = 0.5, current_epoch = 7, started_at = ?,
         metrics = '{"loss":12.5}', history = '[{"epoch":1,"loss":20}]' WHERE id = ?`,
    )
      .bind(started, job.job_id)
      .run();
    const body = (await (await call(`/api/v1/model/train/${job.job_id}`, { token: t.adminKey })).json()) as JobBody;
    expect(body).toMatchObject({ status: "running", progress: 0.5, current_epoch: 7, metrics: { loss: 12.5 } });
    expect(body.history).toEqual([{ epoch: 1, loss: 20 }]);
    const eta = Date.parse(body.estimated_completion!);
    expect(eta).toBeGreaterThan(Date.parse(started) + 19_000);
    expect(eta).toBeLessThan(Date.parse(started) + 25_000);
  });
});

describe("POST /api/v1/model/train/{job_id}/cancel", () => {
  it("queued -> cancelled, idempotent; running -> cancelled; completed or failed -> 409", async () => {
    const t = await tenant("cancel");
    await seedCatalog(t.tenantId, { "2026-01-10": 100 });
    const cancel = (id: string, token = t.adminKey) =>
      call(`/api/v1/model/train/${id}/cancel`, { method: "POST", token });

    const queued = (await (await trigger(t, MF)).json()) as TriggerBody;
    expect((await cancel(queued.job_id, await keyWith(t, ["read", "write"]))).status).toBe(403);
    const first = await cancel(queued.job_id);
    expect(first.status).toBe(200);
    const body = (await first.json()) as JobBody;
    expect(body.status).toBe("cancelled");
    expect(body.finished_at).toBeTruthy();
    const again = await cancel(queued.job_id);
    expect(again.status).toBe(200);
    expect(((await again.json()) as JobBody).finished_at).toBe(body.finished_at);

    const running = (await (await trigger(t, MF)).json()) as TriggerBody;
    await env.DB.prepare("UPDATE training_jobs SET status = 'running' WHERE id = ?").bind(running.job_id).run();
    expect(((await (await cancel(running.job_id)).json()) as JobBody).status).toBe("cancelled");

    for (const final of ["completed", "failed"]) {
      const job = (await (await trigger(t, MF)).json()) as TriggerBody;
      await env.DB.prepare("UPDATE training_jobs SET status = ? WHERE id = ?").bind(final, job.job_id).run();
      const res = await cancel(job.job_id);
      expect(res.status).toBe(409);
      const err = (await res.json()) as ErrorBody;
      expect(err.error.code).toBe("CONFLICT");
      expect(err.error.details).toMatchObject({ job_id: job.job_id, status: final });
      expect((await jobRow(job.job_id))!.status).toBe(final);
    }
  });
});
