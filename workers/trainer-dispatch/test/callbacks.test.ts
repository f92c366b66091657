import { describe, expect, it } from "vitest";
import { callback, createJob, createTenant, dispatchEnv, job, request, versionsOf } from "./helpers";

const running = async () => {
  const tenant = await createTenant();
  const j = await createJob(tenant, { status: "running" });
  return j;
};

/** What the trainer does through the signed artifact URL of the job spec. */
async function uploadArtifacts(
  j: { id: string; secret: string },
  names = ["model.json", "item_factors.f32", "gram.f64"],
) {
  const { signUrl } = await import("../src/signing");
  const exp = Math.floor(Date.now() / 1000) + 600;
  const sig = await signUrl(j.secret, "PUT", `/trainer/jobs/${j.id}/artifacts/`, exp);
  for (const name of names) {
    const res = await request(`/trainer/jobs/${j.id}/artifacts/${name}?exp=${exp}&sig=${sig}`, {
      method: "PUT",
      body: new Uint8Array([1, 2, 3, 4]),
    });
    expect(res.status).toBe(201);
  }
}

describe("trainer callbacks", () => {
  it("progress rises through running to completed; completion registers a pending model version", async () => {
    const j = await running();
    expect((await callback(j, { seq: 1, type: "started", total_epochs: 3 })).status).toBe(200);
    for (let e = 1; e <= 3; e++) {
      const res = await callback(j, {
        seq: 1 + e,
        type: "progress",
        progress: e / 4,
        epoch: e,
        metrics: { loss: 10 - e },
      });
      expect(res.status).toBe(200);
      expect(await job(j.id)).toMatchObject({ status: "running", current_epoch: e, progress: e / 4 });
    }
    expect(JSON.parse((await job(j.id)).history as string)).toEqual([
      { epoch: 1, loss: 9 },
      { epoch: 2, loss: 8 },
      { epoch: 3, loss: 7 },
    ]);
    await uploadArtifacts(j);
    const done = await callback(j, { seq: 5, type: "completed", metrics: { recall_at_10: 0.3, ndcg_at_10: 0.2 } });
    expect(done.status).toBe(200);
    const { version } = (await done.json()) as { version: string };
    expect(version).toMatch(/^mf-\d{8}-\d{6}-[0-9a-f]{4}$/);
    const row = await job(j.id);
    expect(row).toMatchObject({ status: "completed", progress: 1, model_version: version, error: null });
    const versions = await versionsOf(j.tenantId);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      kind: "recommender",
      version,
      status: "pending",
      is_production: 0,
      training_job_id: j.id,
      artifact_prefix: `tenants/${j.tenantId}/models/${version}/`,
    });
    expect(JSON.parse(versions[0]!.metrics as string)).toEqual({ recall_at_10: 0.3, ndcg_at_10: 0.2 });
    // A finished job takes no more callbacks.
    expect((await callback(j, { seq: 6, type: "heartbeat" })).status).toBe(409);
  });

  it("a completion without its artifacts fails the job: nothing is registered", async () => {
    const j = await running();
    await uploadArtifacts(j, ["model.json"]);
    const res = await callback(j, { seq: 1, type: "completed", metrics: {} });
    expect(res.status).toBe(422);
    expect(await job(j.id)).toMatchObject({ status: "failed", model_version: null });
    expect((await job(j.id)).error).toMatch(/without uploading item_factors.f32, gram.f64/);
    expect(await versionsOf(j.tenantId)).toEqual([]);
    expect((await dispatchEnv.DATA.list({ prefix: `tenants/${j.tenantId}/models/` })).objects).toEqual([]);
  });

  it("refuses a forged callback (bad signature) and changes nothing", async () => {
    const j = await running();
    const forged = await callback(j, { seq: 1, type: "progress", progress: 0.9, epoch: 3 }, { secret: "guessed" });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: string }).error).toBe("signature mismatch");
    const missing = await callback(j, { seq: 1, type: "failed", error: "x" }, { signature: "" });
    expect(missing.status).toBe(401);
    expect(await job(j.id)).toMatchObject({ status: "running", progress: 0, last_seq: 0 });
  });

  it("refuses a replayed callback (same seq) and a stale timestamp", async () => {
    const j = await running();
    expect(
      (await callback(j, { seq: 1, type: "progress", progress: 0.2, epoch: 1, metrics: { loss: 5 } })).status,
    ).toBe(200);
    const replay = await callback(j, { seq: 1, type: "progress", progress: 0.2, epoch: 1, metrics: { loss: 5 } });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toMatch(/replayed/);
    const older = await callback(j, { seq: 1, type: "failed", error: "replayed failure" });
    expect(older.status).toBe(401);
    const stale = await callback(
      j,
      { seq: 2, type: "failed", error: "late" },
      { t: Math.floor(Date.now() / 1000) - 301 },
    );
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: string }).error).toMatch(/out of tolerance/);
    const row = await job(j.id);
    expect(row).toMatchObject({ status: "running", last_seq: 1, error: null });
    expect(JSON.parse(row.history as string)).toHaveLength(1);
  });

  it("a callback signed with another tenant's job secret cannot touch this job", async () => {
    const a = await running();
    const b = await running();
    // A's secret, aimed at B's URL (with B's id in the body): the signature does not verify.
    const raw = { seq: 1, type: "failed", error: "sabotage" };
    expect((await callback(b, raw, { secret: a.secret })).status).toBe(401);
    // A's id in the body, posted to B's URL and signed by A: B's secret decides, and refuses.
    const { signPayload, SIGNATURE_HEADER } = await import("@edge-ml/core/auth/signatures");
    const body = JSON.stringify({ job_id: a.id, ...raw });
    const res = await request(`/trainer/jobs/${b.id}/callbacks`, {
      method: "POST",
      headers: { [SIGNATURE_HEADER]: await signPayload(a.secret, body) },
      body,
    });
    expect(res.status).toBe(401);
    // B's URL, signed with B's secret, but naming A: refused as well.
    const named = JSON.stringify({ job_id: a.id, ...raw });
    const res2 = await request(`/trainer/jobs/${b.id}/callbacks`, {
      method: "POST",
      headers: { [SIGNATURE_HEADER]: await signPayload(b.secret, named) },
      body: named,
    });
    expect(res2.status).toBe(401);
    expect(await job(b.id)).toMatchObject({ status: "running", last_seq: 0, error: null });
    expect(await job(a.id)).toMatchObject({ status: "running", last_seq: 0, error: null });
  });

  it("a failed callback fails the job with the trainer's sentence and deletes its uploads", async () => {
    const j = await running();
    await uploadArtifacts(j, ["item_factors.f32"]);
    expect((await callback(j, { seq: 1, type: "failed", error: "model_type gnn is not supported yet" })).status).toBe(
      200,
    );
    expect(await job(j.id)).toMatchObject({ status: "failed", error: "model_type gnn is not supported yet" });
    expect((await dispatchEnv.DATA.list({ prefix: `tenants/${j.tenantId}/models/` })).objects).toEqual([]);
    expect(await versionsOf(j.tenantId)).toEqual([]);
  });
});
