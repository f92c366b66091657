import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../scripts/lib/stack";

/**
 * An experiment on ranking weights on `npm start`: shoppers get recommendations (the variant
 * applied and named in X-Experiment-Variant), their clicks come back through the bulk
 * interactions route, and the results show per-variant CTR with intervals. The rate limits
 * are off: every shopper here comes from one IP.
 */
const PORT = 18837;
const USERS = 120;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(PORT, { EDGE_ML_TRAIN: "0", WRANGLER_VARS: "RATE_LIMIT_MODE:off" });
});
afterAll(async () => {
  await stack?.stop();
});

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${stack.base}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${stack.credentials.admin_api_key}`,
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });

type Results = {
  sample_size: Record<string, number>;
  metrics: { ctr: Record<string, unknown> & { intervals: Record<string, [number, number]>; p_value: number } };
  srm: { checked: boolean };
  recommendation: string;
};

describe("an experiment on npm start traffic", () => {
  it("applies the variants, attributes the clicks and reports per-variant CTR with intervals", async () => {
    const created = await api("/experiments", {
      method: "POST",
      body: {
        name: "Popularity-heavy ranking",
        traffic_split: { control: 0.5, treatment: 0.5 },
        variants: {
          control: { config: { ranking_weights: [0.4, 0.3, 0.2, 0.1] } },
          treatment: { config: { ranking_weights: [0.2, 0.2, 0.5, 0.1] } },
        },
        metrics: ["ctr"],
      },
    });
    expect(created.status).toBe(201);
    const { experiment_id: id } = (await created.json()) as { experiment_id: string };
    // npm start loads the sample catalogue in the background: wait until it serves (an anonymous search is in no experiment).
    for (let tries = 0; tries < 150; tries++) {
      const found = (await (await api("/search?q=bag&k=1")).json()) as unknown[];
      if (found.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const variantOf: Record<string, string> = {};
    const clicks: { user_id: string; item_id: string; interaction_type: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const user = `e2e-shopper-${i}`;
      const res = await api(`/recommend/${user}?k=5`);
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Experiment-Id")).toBe(id);
      const variant = res.headers.get("X-Experiment-Variant")!;
      variantOf[user] = variant;
      const list = (await res.json()) as { product_id: string }[];
      // Planted: a third of treatment's shoppers click their first item, a sixth of control's.
      if (i % (variant === "treatment" ? 3 : 6) === 0)
        clicks.push({ user_id: user, item_id: list[0]!.product_id, interaction_type: "click" });
    }
    const sent = await api("/internal/data/interactions", {
      method: "POST",
      body: { tenant_id: stack.credentials.tenant_id, interactions: clicks },
    });
    expect(sent.status).toBe(202);

    const want: Record<string, { n: number; x: number }> = { control: { n: 0, x: 0 }, treatment: { n: 0, x: 0 } };
    for (const v of Object.values(variantOf)) want[v]!.n++;
    for (const c of clicks) want[variantOf[c.user_id]!]!.x++;
    let results: Results | undefined;
    for (let tries = 0; tries < 100; tries++) {
      const res = await api(`/experiments/${id}/results`);
      expect(res.status).toBe(200);
      results = (await res.json()) as Results;
      const seen = Object.keys(want).every((v) => results!.metrics.ctr[v] === want[v]!.x / want[v]!.n);
      if (seen && results.sample_size.control === want.control!.n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(results!.sample_size).toEqual({ control: want.control!.n, treatment: want.treatment!.n });
    for (const v of ["control", "treatment"]) {
      const ctr = want[v]!.x / want[v]!.n;
      expect(results!.metrics.ctr[v]).toBeCloseTo(ctr, 12);
      const [lo, hi] = results!.metrics.ctr.intervals[v]!;
      expect(lo).toBeLessThan(ctr);
      expect(hi).toBeGreaterThan(ctr);
    }
    expect(results!.metrics.ctr.p_value).toBeGreaterThan(0);
    expect(results!.srm.checked).toBe(true);
    expect(["rollout", "continue"]).toContain(results!.recommendation);
  });
});
