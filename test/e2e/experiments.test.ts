import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdgeMlClient, unwrap, type components, type EdgeMlClient } from "@edge-ml/client";
import { startStack, type Stack } from "../../scripts/lib/stack";

/**
 * An experiment on ranking weights on `npm start`: shoppers get recommendations (the variant
 * applied and named in X-Experiment-Variant), their clicks come back through the bulk
 * interactions route, and the results show per-variant CTR with intervals. The rate limits
 * are off: every shopper here comes from one IP. Calls go through the typed client
 * (@edge-ml/client): a route or field this test uses that the document drops fails to compile.
 */
const PORT = 18837;
const USERS = 120;
let stack: Stack;
let api: EdgeMlClient;
beforeAll(async () => {
  stack = await startStack(PORT, { EDGE_ML_TRAIN: "0", WRANGLER_VARS: "RATE_LIMIT_MODE:off" });
  api = createEdgeMlClient({ baseUrl: stack.base, token: stack.credentials.admin_api_key });
});
afterAll(async () => {
  await stack?.stop();
});

const readResults = (id: string) =>
  unwrap(api.GET("/experiments/{experiment_id}/results", { params: { path: { experiment_id: id } } }));

describe("an experiment on npm start traffic", () => {
  it("applies the variants, attributes the clicks and reports per-variant CTR with intervals", async () => {
    const { experiment_id: id } = await unwrap(
      api.POST("/experiments", {
        body: {
          name: "Popularity-heavy ranking",
          traffic_split: { control: 0.5, treatment: 0.5 },
          variants: {
            control: { config: { ranking_weights: [0.4, 0.3, 0.2, 0.1] } },
            treatment: { config: { ranking_weights: [0.2, 0.2, 0.5, 0.1] } },
          },
          metrics: ["ctr"],
        },
      }),
    );
    // npm start loads the sample catalogue in the background: wait until it serves (an
    // anonymous search is in no experiment), its results titled on include=item.
    let found: components["schemas"]["ServedProducts"] = [];
    for (let tries = 0; tries < 150 && found.length === 0; tries++) {
      found = await unwrap(api.GET("/search", { params: { query: { q: "bag", k: 1, include: "item" } } }));
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    const item = await unwrap(
      api.GET("/api/v1/items/{item_id}", { params: { path: { item_id: found[0]!.product_id } } }),
    );
    expect(found[0]).toMatchObject({ title: item.title, category: item.category });

    const variantOf: Record<string, string> = {};
    const clicks: { user_id: string; item_id: string; interaction_type: "click" }[] = [];
    for (let i = 0; i < USERS; i++) {
      const user = `e2e-shopper-${i}`;
      const { data: list, response } = await api.GET("/recommend/{user_id}", {
        params: { path: { user_id: user }, query: { k: 5 } },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("X-Experiment-Id")).toBe(id);
      const variant = response.headers.get("X-Experiment-Variant")!;
      variantOf[user] = variant;
      // Planted: a third of treatment's shoppers click their first item, a sixth of control's.
      if (i % (variant === "treatment" ? 3 : 6) === 0)
        clicks.push({ user_id: user, item_id: list![0]!.product_id, interaction_type: "click" });
    }
    const sent = await api.POST("/internal/data/interactions", {
      body: { tenant_id: stack.credentials.tenant_id, interactions: clicks },
    });
    expect(sent.response.status).toBe(202);

    const want: Record<string, { n: number; x: number }> = { control: { n: 0, x: 0 }, treatment: { n: 0, x: 0 } };
    for (const v of Object.values(variantOf)) want[v]!.n++;
    for (const c of clicks) want[variantOf[c.user_id]!]!.x++;
    let results: Awaited<ReturnType<typeof readResults>> | undefined;
    for (let tries = 0; tries < 100; tries++) {
      results = await readResults(id);
      const seen = Object.keys(want).every((v) => results!.metrics.ctr?.[v] === want[v]!.x / want[v]!.n);
      if (seen && results.sample_size.control === want.control!.n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(results!.sample_size).toEqual({ control: want.control!.n, treatment: want.treatment!.n });
    const measured = results!.metrics.ctr!;
    for (const v of ["control", "treatment"]) {
      const ctr = want[v]!.x / want[v]!.n;
      expect(measured[v]).toBeCloseTo(ctr, 12);
      const [lo, hi] = measured.intervals[v]!;
      expect(lo).toBeLessThan(ctr);
      expect(hi).toBeGreaterThan(ctr);
    }
    expect(measured.p_value).toBeGreaterThan(0);
    expect(results!.srm.checked).toBe(true);
    expect(["rollout", "continue"]).toContain(results!.recommendation);
  });
});
