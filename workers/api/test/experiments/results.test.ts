import { describe, expect, it } from "vitest";
import { call, seedTenant } from "../helpers";
import { waitForEvents } from "../serving/serving-helpers";
import { waitFor } from "../ingest/ingest-helpers";
import { assign, createExperiment, experimentStub, send } from "./experiment-helpers";

type Results = {
  status: string;
  sample_size: Record<string, number>;
  metrics: Record<string, Record<string, unknown>>;
  winner: string | null;
  recommendation: string;
  reason: string;
  srm: { checked: boolean; mismatch: boolean; p_value: number };
  method: { sequential: string };
  attribution_window_hours: number;
};

async function interact(token: string, user: string, type: string, extra: Record<string, unknown> = {}) {
  const res = await call("/api/v1/interactions", {
    method: "POST",
    token,
    body: { user_id: user, item_id: "item-1", interaction_type: type, ...extra },
  });
  expect(res.status).toBe(202);
}

describe("experiments: results", () => {
  it("attributes later clicks and purchases to exposed users, per variant, and reports rates with intervals", async () => {
    const t = await seedTenant("results-attr");
    const id = await createExperiment(t);
    const exposed: Record<string, string> = {};
    for (let i = 0; i < 12; i++) exposed[`r-${i}`] = (await assign(t.adminKey, id, `r-${i}`)).body.variant;
    const users = Object.keys(exposed);
    // Two clicks by one user make one clicker; a purchase carries revenue; a user never exposed counts nowhere;
    // an event from before the exposure is outside the attribution window.
    await interact(t.adminKey, users[0]!, "click");
    await interact(t.adminKey, users[0]!, "click");
    await interact(t.adminKey, users[1]!, "purchase", { metadata: { revenue: 30 } });
    await interact(t.adminKey, "never-exposed", "click");
    await interact(t.adminKey, users[2]!, "click", { timestamp: "2020-01-01T00:00:00Z" });
    await interact(t.adminKey, users[3]!, "view");
    const wantClicks: Record<string, number> = { control: 0, treatment: 0 };
    wantClicks[exposed[users[0]!]!]! += 1;
    const read = () => send<Results>(t.adminKey, "GET", `/experiments/${id}/results`);
    const done = await waitFor(read, (r) => (r.body.metrics.cvr?.[exposed[users[1]!]!] as number) > 0);
    const r = done.body;
    const n = { control: 0, treatment: 0 } as Record<string, number>;
    for (const v of Object.values(exposed)) n[v]!++;
    expect(r.sample_size).toEqual(n);
    for (const v of ["control", "treatment"]) {
      expect(r.metrics.ctr![v]).toBeCloseTo(wantClicks[v]! / n[v]!, 12);
      const [lo, hi] = (r.metrics.ctr!.intervals as Record<string, [number, number]>)[v]!;
      expect(lo).toBeLessThanOrEqual(r.metrics.ctr![v] as number);
      expect(hi).toBeGreaterThan(r.metrics.ctr![v] as number);
    }
    expect(r.metrics.revenue![exposed[users[1]!]!]).toBeCloseTo(30 / n[exposed[users[1]!]!]!, 12);
    expect(r.metrics.ctr).toMatchObject({
      difference: expect.any(Number),
      p_value: expect.any(Number),
      significant: false,
    });
    expect(r.metrics.ctr!.ci).toHaveLength(2);
    expect(r.recommendation).toBe("continue");
    expect(r.method.sequential).toMatch(/mSPRT/);
    expect(r.attribution_window_hours).toBe(24);
    const agg = await experimentStub(t.tenantId, id).aggregates(["control", "treatment"]);
    expect(agg.control!.clicks + agg.treatment!.clicks).toBe(2);
  });

  it("detects a sample-ratio mismatch and withholds the verdict", async () => {
    const t = await seedTenant("results-srm");
    const id = await createExperiment(t, { metrics: ["ctr"] });
    const now = Date.now();
    // Exposures logged 300 : 200 against a 50/50 split (chi-square 20, p ~ 8e-6), through the object's own API.
    const stub = experimentStub(t.tenantId, id);
    await stub.expose(
      Array.from({ length: 500 }, (_, i) => ({
        userId: `m-${i}`,
        variant: i < 300 ? "control" : "treatment",
        atMs: now,
      })),
    );
    await stub.attribute(
      Array.from({ length: 120 }, (_, i) => ({ userId: `m-${300 + i}`, type: "click", atMs: now, revenue: 0 })),
    );
    const { body } = await send<Results>(t.adminKey, "GET", `/experiments/${id}/results`);
    expect(body.sample_size).toEqual({ control: 300, treatment: 200 });
    expect(body.srm.checked).toBe(true);
    expect(body.srm.mismatch).toBe(true);
    expect(body.srm.p_value).toBeLessThan(0.001);
    expect(body.winner).toBeNull();
    expect(body.recommendation).toBe("continue");
    expect(body.reason).toMatch(/sample ratio mismatch/);
  });

  it("names a winner when a treatment's lift is significant on the always-valid p-value", async () => {
    const t = await seedTenant("results-win");
    const id = await createExperiment(t, { metrics: ["ctr"] });
    const now = Date.now();
    const stub = experimentStub(t.tenantId, id);
    await stub.expose(
      Array.from({ length: 2000 }, (_, i) => ({
        userId: `w-${i}`,
        variant: i % 2 ? "treatment" : "control",
        atMs: now,
      })),
    );
    // 10% of control clicks, 20% of treatment.
    const clickers = Array.from({ length: 2000 }, (_, i) => i).filter((i) => (i % 2 ? i % 10 < 2 : i % 20 < 2));
    await stub.attribute(clickers.map((i) => ({ userId: `w-${i}`, type: "click", atMs: now, revenue: 0 })));
    const { body } = await send<Results>(t.adminKey, "GET", `/experiments/${id}/results`);
    expect(body.metrics.ctr).toMatchObject({ control: 0.1, treatment: 0.2, significant: true });
    expect(body.metrics.ctr!.sequential_p_value as number).toBeLessThan(0.05);
    expect(body.winner).toBe("treatment");
    expect(body.recommendation).toBe("rollout");
  });

  it("adjusts ctr with CUPED on the users' pre-experiment activity, narrowing the interval", async () => {
    const t = await seedTenant("results-cuped");
    const users = Array.from({ length: 40 }, (_, i) => `c-${i}`);
    const past = new Date(Date.now() - 3 * 86_400_000).toISOString();
    // Half the users were active before the experiment (4 views each), half not at all.
    const history = users
      .filter((_, i) => i % 2 === 0)
      .flatMap((u) =>
        Array.from({ length: 4 }, (_, k) => ({
          user_id: u,
          item_id: `old-${k}`,
          interaction_type: "view",
          timestamp: past,
        })),
      );
    const ingest = (interactions: unknown[]) =>
      call("/internal/data/interactions", {
        method: "POST",
        token: t.adminKey,
        body: { tenant_id: t.tenantId, interactions },
      });
    expect((await ingest(history)).status).toBe(202);
    await waitForEvents(t.tenantId, history.length);
    const id = await createExperiment(t, { metrics: ["ctr"] });
    for (const u of users) await assign(t.adminKey, id, u);
    // The active users click; one in five of the others does.
    const clickers = users.filter((_, i) => i % 2 === 0 || i % 10 === 1);
    expect(
      (await ingest(clickers.map((u) => ({ user_id: u, item_id: "new-1", interaction_type: "click" })))).status,
    ).toBe(202);
    const read = () => send<Results>(t.adminKey, "GET", `/experiments/${id}/results`);
    const { body } = await waitFor(read, (r) => {
      const ctr = r.body.metrics.ctr!;
      return (
        (ctr.control as number) * r.body.sample_size.control! +
          (ctr.treatment as number) * r.body.sample_size.treatment! >=
        clickers.length - 1e-9
      );
    });
    const ctr = body.metrics.ctr! as { ci: [number, number]; cuped: { theta: number; ci: [number, number] } | null };
    expect(ctr.cuped).not.toBeNull();
    expect(ctr.cuped!.theta).toBeGreaterThan(0);
    expect(ctr.cuped!.ci[1] - ctr.cuped!.ci[0]).toBeLessThan(ctr.ci[1] - ctr.ci[0]);
    const agg = await experimentStub(t.tenantId, id).aggregates(["control", "treatment"]);
    expect(agg.control!.covariateUsers + agg.treatment!.covariateUsers).toBe(40);
    expect(agg.control!.sumX + agg.treatment!.sumX).toBe(history.length);
  });

  it("compares every treatment with control, Bonferroni-corrected, with three variants", async () => {
    const t = await seedTenant("results-three");
    const id = await createExperiment(t, {
      metrics: ["ctr"],
      traffic_split: { control: 0.4, a: 0.3, b: 0.3 },
      variants: {
        control: { config: {} },
        a: { config: { ranking_weights: [1, 0, 0, 0] } },
        b: { config: { ranking_weights: [0, 0, 1, 0] } },
      },
    });
    const stub = experimentStub(t.tenantId, id);
    const now = Date.now();
    const variant = (i: number) => (i % 10 < 4 ? "control" : i % 10 < 7 ? "a" : "b");
    await stub.expose(Array.from({ length: 1000 }, (_, i) => ({ userId: `t-${i}`, variant: variant(i), atMs: now })));
    // b's users click three times as often as the others.
    const clicks = Array.from({ length: 1000 }, (_, i) => i).filter((i) =>
      variant(i) === "b" ? i % 100 < 30 : i % 100 < 10,
    );
    await stub.attribute(clicks.map((i) => ({ userId: `t-${i}`, type: "click", atMs: now, revenue: 0 })));
    const { status, body } = await send<Results & { method: { correction: string } }>(
      t.adminKey,
      "GET",
      `/experiments/${id}/results`,
    );
    expect(status).toBe(200);
    expect(body.sample_size).toEqual({ control: 400, a: 300, b: 300 });
    expect(Object.keys(body.metrics.ctr!.comparisons as object)).toEqual(["a", "b"]);
    expect(body.method.correction).toMatch(/Bonferroni over 2/);
    expect(body.winner).toBe("b");
    // The top-level comparison is the leading treatment's.
    expect(body.metrics.ctr!.difference).toBeCloseTo(0.3 - 0.1, 12);
  });
});
