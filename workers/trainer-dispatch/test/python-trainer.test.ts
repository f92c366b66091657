import { describe, expect, it } from "vitest";
import { signPayload, SIGNATURE_HEADER } from "@edge-ml/core/auth/signatures";
import { sweep } from "../src/watchdog";
import { callback, createJob, createTenant, deliver, dispatchEnv, job, versionsOf, type TestJob } from "./helpers";
import { addWorld, envFor, finished, fromBase64, objectsUnder, pump, started, TRAINING } from "./python-harness";

/**
 * The contract tests of the GPU trainer (trainer-gpu/, Python, PyTorch on the CPU here)
 * against the real trainer-dispatch worker: dispatch with TRAINER_URL_<TYPE> routing, real
 * Parquet read through signed data URLs, per-epoch progress, signed artifact uploads,
 * completion registering the version; forged job specs and callbacks refused; a trainer
 * killed mid-job ending the job failed with nothing deployed. The trainer reaches the worker
 * through a relay (test/support/python-trainer.ts): PUBLIC_URL is the relay.
 */
describe("the GPU trainer against the real dispatcher", () => {
  it.each(["two_tower", "gnn"])(
    "%s: routed by TRAINER_URL_<TYPE>, progress per epoch, artifacts uploaded, completion registers the version",
    async (type) => {
      const tenant = await createTenant();
      await addWorld(tenant);
      const j = await createJob(tenant, { modelType: type });
      const env = envFor(type);
      // TRAINER_URL (the Node trainer's) is not reachable here: only the type's own URL is used.
      expect(await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env)).toMatchObject({ acked: 1 });
      expect(await job(j.id)).toMatchObject({ status: "running" });
      const seen = await pump(env, finished(j.id));

      const row = await job(j.id);
      expect(row).toMatchObject({ status: "completed", current_epoch: 3 });
      const callbacks = seen.filter((s) => s.json).map((s) => s.json!);
      const epochs = callbacks.filter((c) => c.type === "progress" && c.epoch !== undefined);
      expect(epochs.map((c) => c.epoch)).toEqual([1, 2, 3]);
      expect(epochs.every((c) => typeof (c.metrics as Record<string, number>).loss === "number")).toBe(true);
      expect(callbacks.map((c) => c.seq)).toEqual(
        [...callbacks.map((c) => c.seq)].sort((a, b) => Number(a) - Number(b)),
      );
      expect(seen.filter((s) => s.json).every((s) => s.status === 200)).toBe(true);
      expect(seen.find((s) => s.method === "GET")).toMatchObject({ status: 200 });
      expect(seen.filter((s) => s.method === "PUT").map((s) => s.status)).toEqual([201, 201, 201]);

      const [version] = await versionsOf(tenant);
      expect(version).toMatchObject({ model_type: type, status: "pending", training_job_id: j.id });
      const metrics = JSON.parse(version!.metrics as string) as Record<string, number>;
      expect(metrics.recall_at_10).toBeGreaterThan(2 * metrics.popularity_recall_at_10!);
      expect(metrics.users).toBe(60);
      const prefix = version!.artifact_prefix as string;
      expect((await objectsUnder(prefix)).map((k) => k.slice(prefix.length)).sort()).toEqual([
        "item_factors.f32",
        "model.json",
        "user_tower.f32",
      ]);
      const manifest = (await (await dispatchEnv.DATA.get(`${prefix}model.json`))!.json()) as Record<string, unknown>;
      expect(manifest).toMatchObject({ model_type: type, format_version: 1, factors: 64 });
      expect((manifest.items as string[]).length).toBe(48);
    },
    120_000,
  );

  it("a job spec not signed with TRAINER_SHARED_SECRET is refused (401); a forged callback is refused by the dispatcher", async () => {
    const body = JSON.stringify({ job_id: "x", tenant_id: "y", model_type: "two_tower" });
    const forged = await fetch(`${started().url}/jobs`, {
      method: "POST",
      headers: { [SIGNATURE_HEADER]: await signPayload("not-the-shared-secret-0123", body) },
      body,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: "signature mismatch" });

    const tenant = await createTenant();
    await addWorld(tenant);
    const j = await createJob(tenant, { modelType: "two_tower" });
    const env = envFor("two_tower");
    await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env);
    const other: TestJob = { ...j, secret: "secret-of-another-job" };
    let refused: number | undefined;
    await pump(env, finished(j.id), async (h) => {
      if (refused === undefined && h.path.endsWith("/callbacks")) {
        // Before the trainer's first callback: the same body, signed with another secret.
        const parsed = JSON.parse(new TextDecoder().decode(fromBase64(h.body))) as Record<string, unknown>;
        refused = (await callback(other, { ...parsed, type: "completed", metrics: {}, artifacts: [] })).status;
      }
    });
    expect(refused).toBe(401);
    expect(await job(j.id)).toMatchObject({ status: "completed" });
  }, 120_000);

  it("data that cannot be read: the trainer fails the job with the download's sentence, nothing registered", async () => {
    const tenant = await createTenant();
    await addWorld(tenant);
    const j = await createJob(tenant, { modelType: "two_tower" });
    const env = envFor("two_tower");
    await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env);
    // Compacted away (or lost) after dispatch: the signed URL now answers 404.
    await dispatchEnv.DATA.delete(`tenants/${tenant}/training_data/2026-11-20/part-0001.parquet`);
    const seen = await pump(env, finished(j.id));
    expect(seen.find((s) => s.method === "GET")).toMatchObject({ status: 404 });
    const row = await job(j.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^could not read training data 2026-11-20\/part-0001\.parquet: HTTP 404 /);
    expect(await versionsOf(tenant)).toEqual([]);
  }, 120_000);

  it("a trainer killed mid-job (after its first upload): the job fails on the heartbeat limit, nothing deployed or left", async () => {
    const tenant = await createTenant();
    await addWorld(tenant);
    const j = await createJob(tenant, { modelType: "gnn" });
    const env = envFor("gnn");
    await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env);
    let killed = false;
    await pump(
      env,
      () => killed,
      async (h, seen) => {
        if (seen.some((s) => s.method === "PUT")) {
          await fetch(`${started().relay}/__kill`, { method: "POST" });
          killed = true;
          return "drop";
        }
      },
    );
    const row = await job(j.id);
    expect(row.status).toBe("running");
    const prefix = `tenants/${tenant}/models/`;
    expect(await objectsUnder(prefix)).toHaveLength(1);
    // No heartbeat comes any more: the watchdog's sweep, past the limit, fails the job.
    await sweep(env, Date.now() + 200_000);
    expect(await job(j.id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^trainer stopped responding/),
    });
    expect(await versionsOf(tenant)).toEqual([]);
    expect(await objectsUnder(prefix)).toEqual([]);
  }, 120_000);
});

describe("routing by model type", () => {
  it('TRAINER_URL_<TYPE> = "none": the job fails at dispatch with the reason, the trainer never called', async () => {
    const tenant = await createTenant();
    await addWorld(tenant);
    const j = await createJob(tenant, { modelType: "gnn" });
    const env = { ...dispatchEnv, TRAINER_URL_GNN: "none" } as DispatchEnv;
    expect(await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env)).toMatchObject({
      acked: 1,
      retried: [],
    });
    expect(await job(j.id)).toMatchObject({
      status: "failed",
      dispatch_attempts: 0,
      error:
        "no trainer is configured for model_type gnn: set TRAINER_URL_GNN (or TRAINER_URL) to a trainer that runs it (docs/deploy.md)",
    });
  });
});
