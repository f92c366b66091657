import { describe, expect, it } from "vitest";
import { jobSpec } from "../src/dispatch";
import { loadJob } from "../src/jobs";
import { signUrl } from "../src/signing";
import { sweep } from "../src/watchdog";
import {
  addTrainingFile,
  callback,
  createJob,
  createTenant,
  deliver,
  dispatchEnv,
  job,
  request,
  versionsOf,
} from "./helpers";

const TRAINING = "edge-ml-training";

describe("dispatch: handing jobs to the trainer", () => {
  it("trainer unreachable: retries with exponential backoff, then fails the job with the documented reason", async () => {
    const tenant = await createTenant();
    await addTrainingFile(tenant, "2026-11-20");
    const j = await createJob(tenant);
    const env = { ...dispatchEnv, DISPATCH_RETRY_BASE_SECONDS: "5" };
    const msg = { job_id: j.id, tenant_id: tenant };
    const first = await deliver(TRAINING, [msg], env, 1);
    expect(first.retried).toEqual([expect.objectContaining({ delaySeconds: 5 })]);
    const second = await deliver(TRAINING, [msg], env, 2);
    expect(second.retried).toEqual([expect.objectContaining({ delaySeconds: 10 })]);
    expect(await job(j.id)).toMatchObject({ status: "queued", dispatch_attempts: 2 });
    const third = await deliver(TRAINING, [msg], env, 3);
    expect(third).toMatchObject({ acked: 1, retried: [] });
    const row = await job(j.id);
    expect(row).toMatchObject({ status: "failed", dispatch_attempts: 3 });
    expect(row.error).toMatch(/^trainer unreachable at http:\/\/127\.0\.0\.1:9 after 3 attempts: .+/);
    expect(await versionsOf(tenant)).toEqual([]);
    // A redelivery after the failure does nothing.
    expect(await deliver(TRAINING, [msg], env, 4)).toMatchObject({ acked: 1, retried: [] });
    expect((await job(j.id)).dispatch_attempts).toBe(3);
  });

  it("an empty data range fails the job with a clear reason and no artifact", async () => {
    const tenant = await createTenant();
    await addTrainingFile(tenant, "2026-10-05"); // outside the job's range
    const j = await createJob(tenant);
    expect(await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }])).toMatchObject({ acked: 1, retried: [] });
    expect(await job(j.id)).toMatchObject({
      status: "failed",
      dispatch_attempts: 0,
      error: "no training data between 2026-11-01 and 2026-11-30: ingest interactions for that range first",
    });
  });

  it("skips messages for jobs that are not queued, and messages naming the wrong tenant", async () => {
    const tenant = await createTenant();
    await addTrainingFile(tenant, "2026-11-20");
    const cancelled = await createJob(tenant, { status: "cancelled" });
    const other = await createJob(tenant);
    const res = await deliver(TRAINING, [
      { job_id: cancelled.id, tenant_id: tenant },
      { job_id: other.id, tenant_id: crypto.randomUUID() },
    ]);
    expect(res).toMatchObject({ acked: 2, retried: [] });
    expect(await job(cancelled.id)).toMatchObject({ status: "cancelled", dispatch_attempts: 0 });
    expect(await job(other.id)).toMatchObject({ status: "queued", dispatch_attempts: 0 });
  });

  it("the job spec lists only the tenant's files in range, each behind a signed URL", async () => {
    const tenant = await createTenant();
    await addTrainingFile(tenant, "2026-10-31");
    await addTrainingFile(tenant, "2026-11-01");
    await addTrainingFile(tenant, "2026-11-30", "part-0002");
    const j = await createJob(tenant);
    const spec = await jobSpec(dispatchEnv, (await loadJob(dispatchEnv.DB, j.id))!, [
      { key: "k", date: "2026-11-01", name: "part-0001.parquet", row_count: 10, size_bytes: 40 },
    ]);
    expect(spec.data.files[0]!.url).toMatch(
      new RegExp(
        `^https://api\\.edge-ml\\.test/trainer/jobs/${j.id}/data/2026-11-01/part-0001\\.parquet\\?exp=\\d+&sig=[0-9a-f]{64}$`,
      ),
    );
    expect(spec.callback).toEqual({ url: `https://api.edge-ml.test/trainer/jobs/${j.id}/callbacks`, secret: j.secret });
    expect(spec.artifacts.url).toContain(`/trainer/jobs/${j.id}/artifacts/{name}?exp=`);
    const { filesInRange } = await import("../src/dispatch");
    const files = await filesInRange(dispatchEnv, (await loadJob(dispatchEnv.DB, j.id))!);
    expect(files.map((f) => `${f.date}/${f.name}`).sort()).toEqual([
      "2026-11-01/part-0001.parquet",
      "2026-11-30/part-0002.parquet",
    ]);
  });
});

describe("signed data URLs", () => {
  const url = async (j: { id: string; secret: string }, date: string, file: string, exp: number, secret = j.secret) => {
    const path = `/trainer/jobs/${j.id}/data/${date}/${file}`;
    return `${path}?exp=${exp}&sig=${await signUrl(secret, "GET", path, exp)}`;
  };
  const later = () => Math.floor(Date.now() / 1000) + 600;

  it("serves the job's own file; refuses expired or forged signatures (403) and other tenants' files (404)", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    await addTrainingFile(tenant, "2026-11-20");
    await addTrainingFile(other, "2026-11-21", "part-0009");
    const j = await createJob(tenant, { status: "running" });

    const ok = await request(await url(j, "2026-11-20", "part-0001.parquet", later()));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(`PAR1 ${tenant} 2026-11-20 part-0001`);

    const expired = await request(await url(j, "2026-11-20", "part-0001.parquet", Math.floor(Date.now() / 1000) - 1));
    expect(expired.status).toBe(403);
    const forged = await request(await url(j, "2026-11-20", "part-0001.parquet", later(), "not-the-secret"));
    expect(forged.status).toBe(403);
    // A valid signature for one file does not open another.
    const good = await url(j, "2026-11-20", "part-0001.parquet", later());
    expect((await request(good.replace("part-0001", "part-0002"))).status).toBe(403);
    // The other tenant's file, properly signed for this job: it resolves under this job's tenant, so 404.
    expect((await request(await url(j, "2026-11-21", "part-0009.parquet", later()))).status).toBe(404);
    // Out of the job's range, or not a part file name.
    expect((await request(await url(j, "2026-12-01", "part-0001.parquet", later()))).status).toBe(404);
    expect((await request(await url(j, "2026-11-20", "catalog.json", later()))).status).toBe(404);
  });

  it("stops serving once the job has finished", async () => {
    const tenant = await createTenant();
    await addTrainingFile(tenant, "2026-11-20");
    const j = await createJob(tenant, { status: "failed" });
    expect((await request(await url(j, "2026-11-20", "part-0001.parquet", later()))).status).toBe(403);
  });
});

describe("heartbeats: a trainer that dies mid-job", () => {
  it("progress then silence: the sweep fails the job, nothing is deployed, later callbacks get 409", async () => {
    const tenant = await createTenant();
    const j = await createJob(tenant, { status: "running" });
    expect((await callback(j, { seq: 1, type: "started", total_epochs: 3 })).status).toBe(200);
    expect(
      (await callback(j, { seq: 2, type: "progress", progress: 0.4, epoch: 1, metrics: { loss: 3 } })).status,
    ).toBe(200);
    // Within the limit (3 x 30 s) nothing happens.
    expect(await sweep(dispatchEnv, Date.now() + 60_000)).not.toContain(j.id);
    expect((await job(j.id)).status).toBe("running");
    // The trainer died: no callback for 10 minutes.
    expect(await sweep(dispatchEnv, Date.now() + 600_000)).toContain(j.id);
    const row = await job(j.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^trainer stopped responding \(no heartbeat for \d+s; the limit is 90s\)$/);
    expect(row.model_version).toBeNull();
    expect(await versionsOf(tenant)).toEqual([]);
    expect((await callback(j, { seq: 3, type: "completed", metrics: {} })).status).toBe(409);
    expect(await versionsOf(tenant)).toEqual([]);
  });

  it("the per-job watchdog message fails a silent job, and re-arms itself for a live one", async () => {
    const tenant = await createTenant();
    const silent = await createJob(tenant, { status: "running" });
    const live = await createJob(tenant, { status: "running" });
    const old = new Date(Date.now() - 120_000).toISOString();
    await dispatchEnv.DB.prepare("UPDATE training_jobs SET heartbeat_at = ? WHERE id = ?").bind(old, silent.id).run();
    expect((await callback(live, { seq: 1, type: "heartbeat" })).status).toBe(200);
    let sent: { body: unknown; delay?: number }[] = [];
    const env = {
      ...dispatchEnv,
      TRAINING_QUEUE: {
        send: async (body: unknown, o?: { delaySeconds?: number }) => void sent.push({ body, delay: o?.delaySeconds }),
      },
    } as unknown as DispatchEnv;
    await deliver(
      TRAINING,
      [
        { kind: "watchdog", job_id: silent.id, tenant_id: tenant },
        { kind: "watchdog", job_id: live.id, tenant_id: tenant },
      ],
      env,
    );
    expect((await job(silent.id)).status).toBe("failed");
    expect((await job(live.id)).status).toBe("running");
    expect(sent).toEqual([
      { body: { kind: "watchdog", job_id: live.id, tenant_id: tenant }, delay: expect.any(Number) },
    ]);
    expect(sent[0]!.delay).toBeGreaterThan(85);
    sent = [];
  });

  it("a job left queued past the bound (its message lost) is failed by the sweep", async () => {
    const tenant = await createTenant();
    const j = await createJob(tenant, { createdAt: new Date(Date.now() - 2 * 3600_000).toISOString() });
    expect(await sweep(dispatchEnv)).toContain(j.id);
    expect((await job(j.id)).error).toMatch(/never picked up/);
  });
});
