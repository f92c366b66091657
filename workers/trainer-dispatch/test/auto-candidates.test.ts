import { describe, expect, it } from "vitest";
import { artifactPrefix } from "@edge-ml/core/training/contract";
import { loadJob } from "@edge-ml/core/training/jobs";
import { jobSecret } from "../src/secrets";
import { callback, createJob, createTenant, deliver, dispatchEnv, job, versionsOf, type TestJob } from "./helpers";
import { addWorld, envFor, finished, objectsUnder, pump, TRAINING } from "./python-harness";

/**
 * `auto` across trainers (docs/decisions.md "auto across trainers"): with a GPU trainer of its
 * own for two_tower, an auto job runs a CPU candidate and a two_tower candidate (the real
 * Python trainer) and keeps the one with the best validation NDCG@10. The CPU candidate's
 * trainer is played here through the contract (signed callbacks, artifacts in R2), as the
 * other dispatch tests do: TRAINER_URL is not reachable in this project.
 */
type Row = Record<string, unknown>;

const candidatesOf = async (parentId: string) =>
  (
    await dispatchEnv.DB.prepare("SELECT * FROM training_jobs WHERE parent_job_id = ? ORDER BY rowid")
      .bind(parentId)
      .all<Row>()
  ).results;

/** The CPU candidate as the Node trainer would answer it: item_to_item wins its own search at `ndcg`. */
async function cpuCandidate(id: string): Promise<TestJob> {
  const child = (await loadJob(dispatchEnv.DB, id))!;
  const target = { id, tenantId: child.tenantId, secret: await jobSecret(dispatchEnv, child) };
  expect(await callback(target, { seq: 1, type: "started", total_epochs: 1 })).toHaveProperty("status", 200);
  return target;
}

async function completeCpu(target: TestJob, ndcg: number): Promise<void> {
  const prefix = artifactPrefix((await loadJob(dispatchEnv.DB, target.id))!);
  await dispatchEnv.DATA.put(`${prefix}model.json`, JSON.stringify({ model_type: "item_to_item", format_version: 1 }));
  await dispatchEnv.DATA.put(`${prefix}neighbours.bin`, new Uint8Array(8));
  const res = await callback(target, {
    seq: 2,
    type: "completed",
    metrics: { recall_at_10: 0.2, ndcg_at_10: 0.1, validation_ndcg_at_10: ndcg },
    tuning: {
      model_type: "item_to_item",
      trials: [{ model_type: "item_to_item", ndcg_at_10: ndcg }],
      note: `auto: item_to_item best validation NDCG@10 ${ndcg}; kept item_to_item`,
    },
    artifacts: ["model.json", "neighbours.bin"],
  });
  expect(res.status).toBe(200);
}

const metricsOf = (row: Row) => JSON.parse(row.metrics as string) as Record<string, number>;

/** A tenant with the planted world and an auto job dispatched with a two_tower trainer: its two candidates. */
async function splitAuto() {
  const tenant = await createTenant();
  await addWorld(tenant);
  const parent = await createJob(tenant, { modelType: "auto" });
  const env = envFor("two_tower");
  expect(await deliver(TRAINING, [{ job_id: parent.id, tenant_id: tenant }], env)).toMatchObject({ acked: 1 });
  const [cpu, tt] = await candidatesOf(parent.id);
  return { tenant, parent, env, cpu: cpu!, tt: tt! };
}

describe("auto with a GPU trainer configured", () => {
  it("runs a CPU and a two_tower candidate on the same range and keeps the best validation NDCG@10", async () => {
    const { tenant, parent, env, cpu, tt } = await splitAuto();
    expect(await job(parent.id)).toMatchObject({ status: "running" });
    expect([cpu.model_type, tt.model_type]).toEqual(["auto", "two_tower"]);
    expect(tt.data_range).toBe(cpu.data_range);
    expect(tt.hyperparameters).toBe(cpu.hyperparameters);
    expect(tt.status).toBe("running");

    // The CPU candidate finishes first, below any real model: the parent waits for two_tower.
    await completeCpu(await cpuCandidate(cpu.id as string), 0.0001);
    expect(await job(parent.id)).toMatchObject({ status: "running" });
    expect(await versionsOf(tenant)).toEqual([]);
    // The parent's progress follows its candidates': at least the completed CPU one's half.
    let midway = 0;
    const seen = await pump(env, finished(parent.id), async (h) => {
      if (h.path.endsWith("/callbacks")) midway = Math.max(midway, (await job(parent.id)).progress as number);
    });
    expect(seen.filter((s) => s.json).every((s) => s.status === 200)).toBe(true);
    expect(midway).toBeGreaterThanOrEqual(0.5);

    const children = await candidatesOf(parent.id);
    expect(children.map((c) => c.status)).toEqual(["completed", "completed"]);
    const figures = children.map((c) => metricsOf(c).validation_ndcg_at_10!);
    const gpu = metricsOf(children[1]!);
    // The Python trainer's figure, on the validation split, beside its held-out test figures.
    expect(gpu.validation_users).toBeGreaterThan(20);
    expect(gpu.validation_ndcg_at_10).toBeGreaterThan(gpu.validation_popularity_ndcg_at_10!);
    expect(gpu.ndcg_at_10).toBeGreaterThan(0);
    const best = children[figures.indexOf(Math.max(...figures))]!;
    expect(best.model_type).toBe("two_tower");

    const row = await job(parent.id);
    expect(row).toMatchObject({ status: "completed", progress: 1, error: null });
    expect(row.model_version).toMatch(/^auto-/);
    const [version] = await versionsOf(tenant);
    expect(version).toMatchObject({
      version: row.model_version,
      model_type: "two_tower",
      training_job_id: parent.id,
      artifact_prefix: artifactPrefix((await loadJob(dispatchEnv.DB, best.id as string))!),
    });
    expect(metricsOf(version!)).toEqual(metricsOf(best));
    const tuning = JSON.parse(version!.tuning as string) as Row;
    expect(tuning.model_type).toBe("two_tower");
    expect(tuning.candidates).toEqual(
      children.map((c) =>
        expect.objectContaining({
          job_id: c.id,
          model_type: c.model_type,
          status: "completed",
          validation_ndcg_at_10: metricsOf(c).validation_ndcg_at_10,
        }),
      ),
    );
    expect(tuning.note).toMatch(
      /^auto: auto validation NDCG@10 0\.0001; two_tower validation NDCG@10 [\d.]+; kept two_tower/,
    );
    // The CPU candidate's artifacts go: only the kept version's remain.
    const loser = artifactPrefix((await loadJob(dispatchEnv.DB, cpu.id as string))!);
    expect(await objectsUnder(loser)).toEqual([]);
    expect((await objectsUnder(version!.artifact_prefix as string)).length).toBe(3);
  }, 120_000);

  it("a failed candidate: the parent completes with the other's version, the reason recorded", async () => {
    const { tenant, parent, env, cpu, tt } = await splitAuto();
    const target = await cpuCandidate(cpu.id as string);
    // The data goes after dispatch: the two_tower candidate fails reading it.
    await dispatchEnv.DATA.delete(`tenants/${tenant}/training_data/2026-11-20/part-0001.parquet`);
    await pump(env, finished(tt.id as string));
    expect(await job(tt.id as string)).toMatchObject({ status: "failed" });
    expect(await job(parent.id)).toMatchObject({ status: "running" });
    await completeCpu(target, 0.3);

    const row = await job(parent.id);
    expect(row).toMatchObject({ status: "completed", error: null });
    const [version] = await versionsOf(tenant);
    expect(version).toMatchObject({
      version: row.model_version,
      model_type: "item_to_item",
      training_job_id: parent.id,
    });
    const tuning = JSON.parse(version!.tuning as string) as { candidates: Row[]; note: string; trials: Row[] };
    const reason = (await job(tt.id as string)).error as string;
    expect(reason).toMatch(/^could not read training data/);
    expect(tuning.candidates[1]).toMatchObject({ model_type: "two_tower", status: "failed", error: reason });
    expect(tuning.note).toContain(`two_tower failed: ${reason}`);
    expect(tuning.trials).toEqual([{ model_type: "item_to_item", ndcg_at_10: 0.3 }]);
  }, 120_000);

  it("a cancelled parent: each candidate is cancelled at its next callback (409), the trainers stop, nothing kept", async () => {
    const { tenant, parent, env, cpu, tt } = await splitAuto();
    const target = await cpuCandidate(cpu.id as string);
    // As the api's cancel route does.
    await dispatchEnv.DB.prepare("UPDATE training_jobs SET status = 'cancelled' WHERE id = ?").bind(parent.id).run();
    expect((await callback(target, { seq: 2, type: "heartbeat" })).status).toBe(409);
    const seen = await pump(env, async () => (await job(tt.id as string)).status === "cancelled");
    expect(seen.filter((s) => s.json).at(-1)).toMatchObject({ status: 409 });
    for (const c of await candidatesOf(parent.id))
      expect(c).toMatchObject({ status: "cancelled", error: `its auto job ${parent.id} is cancelled` });
    expect(await versionsOf(tenant)).toEqual([]);
    expect(await objectsUnder(`tenants/${tenant}/models/`)).toEqual([]);
  }, 120_000);
});

describe("auto without a GPU trainer", () => {
  it("no TRAINER_URL_<TYPE> of its own (or AUTO_CANDIDATES empty): one job to TRAINER_URL, as before", async () => {
    for (const env of [
      dispatchEnv,
      { ...dispatchEnv, TRAINER_URL_TWO_TOWER: "none" },
      { ...envFor("two_tower"), AUTO_CANDIDATES: "" },
    ] as DispatchEnv[]) {
      const tenant = await createTenant();
      await addWorld(tenant);
      const j = await createJob(tenant, { modelType: "auto" });
      // TRAINER_URL does not answer here: the job itself is retried, as any job would be.
      expect(await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env)).toMatchObject({
        acked: 0,
        retried: [expect.anything()],
      });
      expect(await job(j.id)).toMatchObject({ status: "queued", dispatch_attempts: 1 });
      expect(await candidatesOf(j.id)).toEqual([]);
    }
  });
});
