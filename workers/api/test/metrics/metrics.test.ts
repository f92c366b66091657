import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_TENANTS, OTHER_TENANT } from "@edge-ml/core/metrics/families";
import { call, seedTenant, type ErrorBody } from "../helpers";
import { registerVersion } from "../training/model-helpers";

const TOKEN = env.METRICS_TOKEN;

async function scrape(): Promise<string> {
  const res = await call("/metrics", { token: TOKEN });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return res.text();
}

/** The value of the sample with exactly these labels (0 when absent). */
function value(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${want}} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

const live = { service: "backend-api", endpoint: "/health/live", method: "GET", status_code: "200" };

describe("GET /metrics", () => {
  it("refuses without the operator token, with a wrong one, and with a tenant's API key (401 envelope)", async () => {
    const t = await seedTenant("metrics-auth");
    for (const token of [undefined, "wrong-token", t.adminKey]) {
      const res = await call("/metrics", token ? { token } : {});
      expect(res.status).toBe(401);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("AUTHENTICATION_FAILED");
    }
  });

  it("counts exactly the requests served: N calls add N to http_requests_total", async () => {
    const before = value(await scrape(), "http_requests_total", live);
    const n = 7;
    for (let i = 0; i < n; i++) expect((await call("/health/live")).status).toBe(200);
    const after = await scrape();
    expect(value(after, "http_requests_total", live) - before).toBe(n);
    // The histogram counted the same requests, and its +Inf bucket equals its count.
    const h = { service: "backend-api", endpoint: "/health/live", method: "GET" };
    const count = value(after, "http_request_duration_seconds_count", h);
    expect(count).toBe(value(after, "http_requests_total", live));
    expect(value(after, "http_request_duration_seconds_bucket", { ...h, le: "+Inf" })).toBe(count);
  });

  it("every family has HELP and TYPE; http_* series carry no tenant label; unmatched paths are one series", async () => {
    const t = await seedTenant("metrics-labels");
    expect((await call("/api/v1/tenant", { token: t.adminKey })).status).toBe(200);
    expect((await call(`/no-such-route/${crypto.randomUUID()}`)).status).toBe(404);
    const text = await scrape();
    for (const family of [
      "http_requests_total",
      "http_request_duration_seconds",
      "http_errors_total",
      "http_connections_active",
      "db_queries_total",
      "db_query_duration_seconds",
      "cache_operations_total",
      "cache_hit_rate",
      "ml_recommendation_quality",
      "ml_training_duration_seconds",
      "ml_training_loss",
      "ml_embedding_cache_hit_rate",
      "ml_ann_search_duration_seconds",
      "ml_recommendations_per_request",
    ]) {
      expect(text).toContain(`# HELP ${family} `);
      expect(text).toMatch(new RegExp(`^# TYPE ${family} (counter|gauge|histogram)$`, "m"));
    }
    const samples = text.split("\n").filter((l) => l && !l.startsWith("#"));
    for (const l of samples.filter((s) => /^(http|db|cache)_/.test(s))) expect(l).not.toContain("tenant_id");
    expect(value(text, "http_requests_total", { ...live, endpoint: "/api/v1/tenant" })).toBeGreaterThan(0);
    expect(
      value(text, "http_errors_total", { service: "backend-api", endpoint: "unmatched", error_type: "NOT_FOUND" }),
    ).toBeGreaterThan(0);
    expect(samples.some((l) => l.includes("/no-such-route"))).toBe(false);
    // D1 statements, by kind and table: the key lookup of the authenticated call, at least.
    expect(
      samples.some((l) =>
        /^db_queries_total\{service="backend-api",query_type="select",table="[a-z_]+"\} \d+$/.test(l),
      ),
    ).toBe(true);
    expect(value(text, "http_connections_active", { service: "backend-api" })).toBeGreaterThanOrEqual(0);
  });

  it("keeps at most MAX_TENANTS tenants apart per family; the rest are summed as _other", async () => {
    // A Metrics object of its own, fed batches as isolates send them.
    const stub = env.METRICS.get(env.METRICS.idFromName("cardinality-test"));
    const tenants = Array.from({ length: MAX_TENANTS + 25 }, (_, i) => `tenant-${String(i).padStart(4, "0")}`);
    for (let i = 0; i < tenants.length; i += 50) {
      await stub.record({
        isolate: "test",
        active: {},
        counters: [],
        histograms: tenants
          .slice(i, i + 50)
          .map((t) => ["ml_recommendations_per_request", [t], [0, 0, 0, 1, 0, 0, 0, 0], 10, 1]),
      });
    }
    const snap = await stub.snapshot();
    const series = snap.histograms.filter((h) => h.family === "ml_recommendations_per_request");
    expect(series).toHaveLength(MAX_TENANTS + 1);
    const other = series.find((h) => h.labels[0] === OTHER_TENANT)!;
    expect(other.count).toBe(25);
    expect(series.reduce((n, h) => n + h.count, 0)).toBe(tenants.length);
  });
});

describe("GET /metrics: the ml_* series", () => {
  it("reads model quality, training duration and per-epoch loss from D1, and counts serving per tenant", async () => {
    const t = await seedTenant("metrics-ml");
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO training_jobs (id, tenant_id, model_type, status, hyperparameters, data_range, total_epochs,
         history, callback_secret, estimated_duration_minutes, model_version, created_at, updated_at, started_at, finished_at)
       VALUES (?, ?, 'matrix_factorization', 'completed', '{}', '{"start_date":"2026-01-01","end_date":"2026-01-02"}', 2,
         ?, 'x', 1, 'v-metrics', ?, ?, ?, ?)`,
    )
      .bind(
        crypto.randomUUID(),
        t.tenantId,
        JSON.stringify([
          { epoch: 1, loss: 0.5 },
          { epoch: 2, loss: 0.25 },
        ]),
        new Date(now - 60_000).toISOString(),
        new Date(now).toISOString(),
        new Date(now - 42_000).toISOString(),
        new Date(now).toISOString(),
      )
      .run();
    // A deployed version (its artifacts too: the recommendation below loads it).
    await registerVersion(t.tenantId, "v-metrics");
    await env.DB.prepare(
      "UPDATE model_versions SET status = 'active', is_production = 1, metrics = ? WHERE tenant_id = ? AND version = 'v-metrics'",
    )
      .bind(JSON.stringify({ ndcg_at_10: 0.42, note: "not a number" }), t.tenantId)
      .run();
    expect((await call("/search?q=yoga+strap&k=5", { token: t.adminKey })).status).toBe(200);
    expect((await call("/recommend/metrics-user?k=5", { token: t.adminKey })).status).toBe(200);

    const text = await scrape();
    const tenant = t.tenantId;
    expect(
      value(text, "ml_recommendation_quality", {
        tenant_id: tenant,
        model_version: "v-metrics",
        metric_name: "ndcg_at_10",
      }),
    ).toBe(0.42);
    expect(text).not.toContain('metric_name="note"');
    expect(
      value(text, "ml_training_duration_seconds", { tenant_id: tenant, model_type: "matrix_factorization" }),
    ).toBeCloseTo(42, 3);
    expect(value(text, "ml_training_loss", { tenant_id: tenant, model_version: "v-metrics", epoch: "1" })).toBe(0.5);
    expect(value(text, "ml_training_loss", { tenant_id: tenant, model_version: "v-metrics", epoch: "2" })).toBe(0.25);
    expect(value(text, "ml_recommendations_per_request_count", { tenant_id: tenant })).toBe(1);
    // The search's nearest-neighbour query on the tenant's text index, by index size bucket.
    const ann = text
      .split("\n")
      .filter((l) => l.startsWith(`ml_ann_search_duration_seconds_count{tenant_id="${tenant}",`));
    expect(ann.length).toBeGreaterThan(0);
    expect(ann[0]).toMatch(/index_size="(unknown|lt_1k)"\} [1-9]/);
  });
});
