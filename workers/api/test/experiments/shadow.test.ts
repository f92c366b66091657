import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { compareLists, percentile } from "@edge-ml/core/experiments/rankings";
import { call, seedTenant, type SeededTenant } from "../helpers";
import { waitFor } from "../ingest/ingest-helpers";
import { clientIp, post, waitForEvents, waitForVectors } from "../serving/serving-helpers";
import { registerVersion } from "../training/model-helpers";
import { readKey, send, type Err } from "./experiment-helpers";

type Ranked = { product_id: string; score: number }[];
const ITEMS = Array.from({ length: 10 }, (_, i) => ({
  item_id: `lamp-${i}`,
  title: i % 2 ? `Desk lamp ${i}` : `Floor lamp ${i}`,
  category: i % 2 ? "desk" : "floor",
}));

let t: SeededTenant;

async function get(path: string, token = t.adminKey) {
  const res = await call(path, { token, headers: { "cf-connecting-ip": clientIp() } });
  return { res, body: (await res.json()) as Ranked };
}

const rowsOf = (tenantId: string, mode: string) =>
  env.DB.prepare("SELECT * FROM shadow_comparisons WHERE tenant_id = ? AND mode = ? ORDER BY created_at")
    .bind(tenantId, mode)
    .all<{
      overlap_at_k: number;
      rbo: number;
      top_differs: number;
      candidate_ms: number;
      production_ms: number;
      model_version: string;
      production_version: string;
    }>()
    .then((r) => r.results);

beforeAll(async () => {
  t = await seedTenant("shadow");
  await post(t.adminKey, "/api/v1/items", { items: ITEMS });
  await waitForVectors(t.tenantId, ITEMS.length);
  await post(t.adminKey, "/api/v1/interactions", { user_id: "reader", item_id: "lamp-1", interaction_type: "click" });
  await waitForEvents(t.tenantId, 1, "reader");
  await registerVersion(t.tenantId, "als-candidate");
}, 60_000);

describe("shadow mode", () => {
  it("POST /admin/shadow/recommend answers the candidate's list and logs its comparison with production's", async () => {
    const production = await get("/recommend/reader?k=5");
    const res = await send<Ranked>(t.adminKey, "POST", "/admin/shadow/recommend", {
      user_id: "reader",
      k: 5,
      model_version: "als-candidate",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Model-Version")).toBe("als-candidate");
    const [row] = await rowsOf(t.tenantId, "active");
    expect(row).toMatchObject({
      model_version: "als-candidate",
      production_version: production.res.headers.get("X-Model-Version"),
    });
    const want = compareLists(
      production.body.map((r) => ({ id: r.product_id, score: r.score })),
      res.body.map((r) => ({ id: r.product_id, score: r.score })),
      5,
    );
    expect(row!.overlap_at_k).toBeCloseTo(want.overlap_at_k, 12);
    expect(row!.rbo).toBeCloseTo(want.rbo, 12);
    expect(row!.top_differs).toBe(want.top_differs ? 1 : 0);
  });

  it("POST /admin/shadow/search answers in the search format", async () => {
    const res = await send<Ranked>(t.adminKey, "POST", "/admin/shadow/search", {
      query: "desk lamp",
      user_id: "reader",
      k: 3,
      model_version: "als-candidate",
    });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    expect(res.body.length).toBeLessThanOrEqual(3);
    expect(res.body[0]).toEqual({
      product_id: expect.any(String),
      score: expect.any(Number),
      reason: expect.any(String),
    });
  });

  it("refuses non-admins (403), unknown and other tenants' versions (400)", async () => {
    const reader = await readKey(t);
    for (const [method, path, body] of [
      ["POST", "/admin/shadow/search", { query: "lamp", k: 3, model_version: "als-candidate" }],
      ["POST", "/admin/shadow/recommend", { user_id: "reader", k: 3, model_version: "als-candidate" }],
      ["GET", "/admin/shadow/report", undefined],
      ["PUT", "/admin/shadow/challengers", { surface: "recommend", model_version: "als-candidate", sample_rate: 1 }],
    ] as const) {
      const res = await send<Err>(reader, method, path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
    }
    const other = await seedTenant("shadow-other");
    await registerVersion(other.tenantId, "theirs");
    for (const version of ["nope", "theirs"]) {
      const res = await send<Err>(t.adminKey, "POST", "/admin/shadow/recommend", {
        user_id: "reader",
        k: 3,
        model_version: version,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe("model_version");
    }
    expect(
      (await send<{ challengers: unknown[] }>(other.adminKey, "GET", "/admin/shadow/report")).body.challengers,
    ).toEqual([]);
  });

  it("scores a passive challenger after the response without changing it, and the report matches the log", async () => {
    const before = await get("/recommend/reader?k=5");
    const set = await send(t.adminKey, "PUT", "/admin/shadow/challengers", {
      surface: "recommend",
      model_version: "als-candidate",
      sample_rate: 1,
    });
    expect(set.status).toBe(200);
    expect((await send(t.adminKey, "GET", "/admin/shadow/challengers")).body).toEqual({
      challengers: [{ surface: "recommend", model_version: "als-candidate", sample_rate: 1 }],
    });
    let passive: Awaited<ReturnType<typeof rowsOf>> = [];
    for (let i = 0; i < 3; i++) {
      const served = await get("/recommend/reader?k=5");
      expect(served.body).toEqual(before.body);
      expect(served.res.headers.get("X-Model-Version")).toBe(before.res.headers.get("X-Model-Version"));
      // One at a time: an isolate shadows at most MAX_SHADOW_IN_FLIGHT requests at once.
      passive = await waitFor(
        () => rowsOf(t.tenantId, "passive"),
        (rows) => rows.length >= i + 1,
      );
    }
    const report = await send<{ challengers: Record<string, unknown>[] }>(
      t.adminKey,
      "GET",
      "/admin/shadow/report?surface=recommend",
    );
    const mine = report.body.challengers.find((r) => r.model_version === "als-candidate")!;
    expect(mine.passive).toBe(passive.length);
    expect(mine.error_rate).toBe(0);
    const recRows = await env.DB.prepare(
      "SELECT * FROM shadow_comparisons WHERE tenant_id = ? AND surface = 'recommend'",
    )
      .bind(t.tenantId)
      .all<{ candidate_ms: number; rbo: number; overlap_at_k: number }>();
    const r = recRows.results;
    // Every recommend comparison of this tenant is the candidate's: the active one of the first test and the passive ones.
    expect(mine.comparisons).toBe(r.length);
    expect(mine.candidate_latency_ms).toEqual({
      p50: percentile(
        r.map((x) => x.candidate_ms),
        50,
      ),
      p95: percentile(
        r.map((x) => x.candidate_ms),
        95,
      ),
    });
    expect(mine.rbo).toBeCloseTo(r.reduce((s, x) => s + x.rbo, 0) / r.length, 12);
    expect(mine.overlap_at_k).toBeCloseTo(r.reduce((s, x) => s + x.overlap_at_k, 0) / r.length, 12);
    const removed = await call("/admin/shadow/challengers/recommend", { method: "DELETE", token: t.adminKey });
    expect(removed.status).toBe(204);
    expect((await send<Err>(t.adminKey, "DELETE", "/admin/shadow/challengers/recommend")).status).toBe(404);
  });
});
