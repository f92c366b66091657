import { describe, expect, it } from "vitest";
import { artifactPrefix } from "@edge-ml/core/training/contract";
import { jobSpec, filesInRange } from "../src/dispatch";
import { loadJob } from "../src/jobs";
import { signUrl } from "../src/signing";
import { callback, createJob, createTenant, dispatchEnv, job, request, versionsOf, type TestJob } from "./helpers";

/**
 * Classifier jobs: their files are the labelled uploads listed in the job's `inputs` when the
 * api created it (workers/api/src/classify/services/classifier-jobs.ts), served by name under
 * `data/labelled/`; the spec carries the label set; a completion registers a `classifier`
 * version, deployed at once when the tenant has no production classifier yet.
 */
async function classifierJob(tenantId: string, files: { name: string; key: string }[]): Promise<TestJob> {
  const j = await createJob(tenantId, { modelType: "classifier" });
  const inputs = {
    files: files.map((f) => ({ ...f, row_count: 3, size_bytes: 10 })),
    labels: ["A", "B"],
    include_feedback: false,
  };
  await dispatchEnv.DB.prepare("UPDATE training_jobs SET inputs = ? WHERE id = ?")
    .bind(JSON.stringify(inputs), j.id)
    .run();
  return j;
}

const later = () => Math.floor(Date.now() / 1000) + 600;
const dataUrl = async (j: TestJob, name: string) => {
  const path = `/trainer/jobs/${j.id}/data/labelled/${name}`;
  const exp = later();
  return `${path}?exp=${exp}&sig=${await signUrl(j.secret, "GET", path, exp)}`;
};

async function complete(j: TestJob) {
  const prefix = artifactPrefix((await loadJob(dispatchEnv.DB, j.id))!);
  await dispatchEnv.DATA.put(`${prefix}model.json`, JSON.stringify({ model_type: "classifier" }));
  await dispatchEnv.DATA.put(`${prefix}classifier.bin`, new Uint8Array([1, 2, 3]));
  return callback(j, {
    seq: 1,
    type: "completed",
    metrics: { accuracy: 0.8, f1_score: 0.7, precision: 0.75, recall: 0.7 },
  });
}

describe("classifier jobs in the dispatcher", () => {
  it("the spec lists the job's labelled files and its labels", async () => {
    const tenant = await createTenant();
    const key = `tenants/${tenant}/classifier/training_data/u1.parquet`;
    const j = await classifierJob(tenant, [{ name: "u1.parquet", key }]);
    const loaded = (await loadJob(dispatchEnv.DB, j.id))!;
    const files = await filesInRange(dispatchEnv, loaded);
    expect(files).toEqual([{ key, date: "labelled", name: "u1.parquet", row_count: 3, size_bytes: 10 }]);
    const spec = await jobSpec(dispatchEnv, loaded, files);
    expect(spec.model_type).toBe("classifier");
    expect(spec.labels).toEqual(["A", "B"]);
    expect(spec.data.files[0]!.url).toMatch(
      new RegExp(`/trainer/jobs/${j.id}/data/labelled/u1\\.parquet\\?exp=\\d+&sig=[0-9a-f]{64}$`),
    );
  });

  it("serves only the listed files of the job's own tenant", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const mine = `tenants/${tenant}/classifier/training_data/u1.parquet`;
    const theirs = `tenants/${other}/classifier/training_data/u2.parquet`;
    await dispatchEnv.DATA.put(mine, "PAR1 mine");
    await dispatchEnv.DATA.put(theirs, "PAR1 theirs");
    const j = await classifierJob(tenant, [
      { name: "u1.parquet", key: mine },
      { name: "u2.parquet", key: theirs },
    ]);
    const ok = await request(await dataUrl(j, "u1.parquet"));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("PAR1 mine");
    // A key under another tenant's prefix is never served, even if a job row named it.
    expect((await request(await dataUrl(j, "u2.parquet"))).status).toBe(404);
    expect((await request(await dataUrl(j, "u3.parquet"))).status).toBe(404);
  });

  it("registers a classifier version; the first is deployed, a later one waits", async () => {
    const tenant = await createTenant();
    const first = await classifierJob(tenant, [
      { name: "u1.parquet", key: `tenants/${tenant}/classifier/training_data/u1.parquet` },
    ]);
    expect((await complete(first)).status).toBe(200);
    const second = await classifierJob(tenant, [
      { name: "u1.parquet", key: `tenants/${tenant}/classifier/training_data/u1.parquet` },
    ]);
    expect((await complete(second)).status).toBe(200);
    const versions = await versionsOf(tenant);
    const byJob = (id: string) => versions.find((v) => v.training_job_id === id)!;
    expect(byJob(first.id)).toMatchObject({
      kind: "classifier",
      model_type: "classifier",
      is_production: 1,
      status: "active",
    });
    expect(byJob(second.id)).toMatchObject({ kind: "classifier", is_production: 0, status: "pending" });
    expect(JSON.parse(byJob(first.id).metrics as string)).toEqual({
      accuracy: 0.8,
      f1_score: 0.7,
      precision: 0.75,
      recall: 0.7,
    });
    expect(await job(first.id)).toMatchObject({ status: "completed" });
  });
});
