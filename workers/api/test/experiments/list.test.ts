import { describe, expect, it } from "vitest";
import { seedTenant } from "../helpers";
import { createExperiment, readKey, send, type Err } from "./experiment-helpers";

type Listed = { experiments: { experiment_id: string; name: string; status: string }[]; total: number; limit: number };

describe("GET /experiments (the console's list)", () => {
  it("lists the tenant's experiments newest first, filters by status and pages", async () => {
    const t = await seedTenant("exp-list");
    const first = await createExperiment(t, { name: "first", coverage: 0.5 });
    const second = await createExperiment(t, { name: "second", coverage: 0.5 });
    expect((await send(t.adminKey, "PATCH", `/experiments/${first}`, { status: "paused" })).status).toBe(200);

    const all = await send<Listed>(t.adminKey, "GET", "/experiments");
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.experiments.map((e) => e.experiment_id)).toEqual([second, first]);

    const paused = await send<Listed>(t.adminKey, "GET", "/experiments?status=paused");
    expect(paused.body.experiments.map((e) => [e.name, e.status])).toEqual([["first", "paused"]]);
    expect(paused.body.total).toBe(1);

    const page = await send<Listed>(t.adminKey, "GET", "/experiments?limit=1&offset=1");
    expect(page.body).toMatchObject({ total: 2, limit: 1 });
    expect(page.body.experiments.map((e) => e.experiment_id)).toEqual([first]);
  });

  it("shows no other tenant's experiments, needs admin, and rejects a bad status", async () => {
    const a = await seedTenant("exp-list-a");
    const b = await seedTenant("exp-list-b");
    await createExperiment(a, { name: "a's" });
    const other = await send<Listed>(b.adminKey, "GET", "/experiments");
    expect(other.body).toMatchObject({ experiments: [], total: 0 });

    const reader = await send<Err>(await readKey(a), "GET", "/experiments");
    expect(reader.status).toBe(403);
    const bad = await send<Err>(a.adminKey, "GET", "/experiments?status=done");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("status");
  });
});
