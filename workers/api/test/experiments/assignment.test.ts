import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedTenant } from "../helpers";
import { assign, createExperiment, experimentBody, experimentStub, send, type Err } from "./experiment-helpers";

const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

async function variantsOf(token: string, id: string, ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const u of ids) out.push((await assign(token, id, u)).body.variant);
  return out;
}

// Hundreds of sequential assignment requests per test: seconds on a quiet machine, more than
// vitest's default 5 s when CI's two cores are shared.
const MANY_REQUESTS_MS = 30_000;

describe("experiments: assignment", () => {
  it("is deterministic and splits by the configured weights", async () => {
    const t = await seedTenant("assign-split");
    const id = await createExperiment(t, { traffic_split: { control: 0.2, treatment: 0.8 } });
    const ids = users("s", 200);
    const first = await variantsOf(t.adminKey, id, ids);
    expect(await variantsOf(t.adminKey, id, ids.slice(0, 20))).toEqual(first.slice(0, 20));
    const control = first.filter((v) => v === "control").length / ids.length;
    expect(control).toBeGreaterThan(0.12);
    expect(control).toBeLessThan(0.28);
    const one = await assign(t.adminKey, id, "s-0");
    expect(one.body.config).toEqual({
      ranking_weights: first[0] === "control" ? [0.4, 0.3, 0.2, 0.1] : [0.3, 0.4, 0.2, 0.1],
    });
    expect(one.headers.get("X-Experiment-Variant")).toBe(`${id}:${first[0]}`);
  }, MANY_REQUESTS_MS);

  it("keeps assigned users' variants across a split change and an object restart; new users follow the new split", async () => {
    const t = await seedTenant("assign-sticky");
    const id = await createExperiment(t);
    const early = users("e", 100);
    const before = await variantsOf(t.adminKey, id, early);
    const changed = await send(t.adminKey, "PATCH", `/experiments/${id}`, {
      traffic_split: { control: 0.1, treatment: 0.9 },
    });
    expect(changed.status).toBe(200);
    expect(await variantsOf(t.adminKey, id, early)).toEqual(before);
    // The object forgets everything in memory; its SQLite storage answers the same.
    await evictDurableObject(experimentStub(t.tenantId, id));
    expect(await variantsOf(t.adminKey, id, early)).toEqual(before);
    const late = await variantsOf(t.adminKey, id, users("l", 100));
    expect(late.filter((v) => v === "control").length / 100).toBeLessThan(0.2);
    // About 40% of the early users (the control half less the new 10%) would be treatment by the new hash but stay control.
    expect(before.filter((v) => v === "control").length).toBeGreaterThan(35);
  }, MANY_REQUESTS_MS);

  it("never gives two experiments of one namespace the same user, and refuses overlap", async () => {
    const t = await seedTenant("assign-ns");
    const a = await createExperiment(t, { namespace: "ranking", coverage: 0.5 });
    const b = await createExperiment(t, { namespace: "ranking", coverage: 0.5 });
    expect((await send(t.adminKey, "GET", `/experiments/${b}`)).body.namespace_range).toEqual([0.5, 1]);
    let inA = 0;
    for (const u of users("n", 100)) {
      const ra = await assign(t.adminKey, a, u);
      const rb = await assign(t.adminKey, b, u);
      expect(ra.body.in_experiment && rb.body.in_experiment).toBe(false);
      expect(ra.body.in_experiment || rb.body.in_experiment).toBe(true);
      if (ra.body.in_experiment) inA++;
      else expect(ra.body.variant).toBe("control");
    }
    expect(inA).toBeGreaterThan(35);
    expect(inA).toBeLessThan(65);
    const full = await send<Err>(
      t.adminKey,
      "POST",
      "/experiments",
      experimentBody({ namespace: "ranking", coverage: 0.1 }),
    );
    expect(full.status).toBe(409);
    expect(full.body.error.details.field).toBe("coverage");
    const other = await send<Err>(t.adminKey, "POST", "/experiments", experimentBody({ namespace: "elsewhere" }));
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/must use that namespace/);
    // A completed experiment frees its range.
    await send(t.adminKey, "PATCH", `/experiments/${a}`, { status: "completed" });
    expect(
      (await send(t.adminKey, "POST", "/experiments", experimentBody({ namespace: "ranking", coverage: 0.5 }))).status,
    ).toBe(201);
  });

  it("refuses a bad user id with the envelope", async () => {
    const t = await seedTenant("assign-bad");
    const id = await createExperiment(t);
    const res = await send<Err>(t.adminKey, "POST", `/experiments/${id}/assign`, { user_id: "" });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("user_id");
  });
});
