import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { UsageResponse } from "@edge-ml/core/schemas";
import { USAGE_BATCH_MS } from "../../src/metering/services/usage-batch";
import { call, seedTenant, type ErrorBody } from "../helpers";

// The response type is the api's own schema (core/schemas/usage.ts), never a copy.
type Usage = z.infer<typeof UsageResponse>;

const meterOf = (tenantId: string) => env.USAGE_METER.get(env.USAGE_METER.idFromName(tenantId));
const pendingCalls = async (tenantId: string) =>
  (await meterOf(tenantId).pending()).reduce((n, r) => n + r.api_calls, 0);
/** A batch reaches the meter within USAGE_BATCH_MS of the request that opened its window. */
const batchSent = { timeout: USAGE_BATCH_MS + 3_000 };
const d1Rows = (tenantId: string) =>
  env.DB.prepare("SELECT * FROM usage_daily WHERE tenant_id = ?").bind(tenantId).all<{ api_calls: number }>();

describe("GET /api/v1/usage", () => {
  it("counts exactly the calls made, without a D1 write per request", async () => {
    const t = await seedTenant("usage", "active", "starter");
    for (let i = 0; i < 7; i++) expect((await call("/api/v1/tenant", { token: t.adminKey })).status).toBe(200);
    await expect.poll(() => pendingCalls(t.tenantId), batchSent).toBe(7);
    expect((await d1Rows(t.tenantId)).results).toHaveLength(0);

    const res = await call("/api/v1/usage", { token: t.adminKey });
    expect(res.status).toBe(200);
    const usage = (await res.json()) as Usage;
    const today = new Date().toISOString().slice(0, 10);
    expect(usage.period).toEqual({ start: `${today.slice(0, 7)}-01`, end: today });
    expect(usage.metrics.api_calls).toBe(7);
    expect(usage.metrics.average_latency_ms).toBeGreaterThanOrEqual(0);
    expect(usage.quota).toEqual({
      plan: "starter",
      api_calls_limit: 100_000,
      api_calls_used: 7,
      percentage_used: 0.01,
    });
    expect(usage.daily).toEqual([expect.objectContaining({ date: today, api_calls: 7 })]);

    // The alarm flushes the aggregate in one D1 statement batch; reports stay exact.
    await expect.poll(() => pendingCalls(t.tenantId), batchSent).toBe(8);
    expect(await runDurableObjectAlarm(meterOf(t.tenantId))).toBe(true);
    const rows = (await d1Rows(t.tenantId)).results;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.api_calls).toBe(8);
    expect(await pendingCalls(t.tenantId)).toBe(0);
    const after = (await (await call("/api/v1/usage", { token: t.adminKey })).json()) as Usage;
    expect(after.metrics.api_calls).toBe(8);
  });

  it("counts in batches per isolate, and a report includes the calls this isolate has not sent yet", async () => {
    const t = await seedTenant("usage-batch");
    for (let i = 0; i < 5; i++) expect((await call("/api/v1/tenant", { token: t.adminKey })).status).toBe(200);
    // Right away, before the batch window has passed: the report sends this isolate's batch first.
    const usage = (await (await call("/api/v1/usage", { token: t.adminKey })).json()) as Usage;
    expect(usage.metrics.api_calls).toBe(5);
    // The meter holds the five (and then the report itself, once its batch is sent).
    await expect.poll(() => pendingCalls(t.tenantId), batchSent).toBe(6);
  });

  it("does not count refused (429) requests", async () => {
    const t = await seedTenant("usage429", "active", "starter");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call("/api/v1/model/train", { method: "POST", token: t.adminKey, body: {} })).status);
    }
    const served = statuses.filter((s) => s !== 429).length;
    expect(served).toBeLessThan(12);
    await expect.poll(() => pendingCalls(t.tenantId), batchSent).toBe(served);
  });

  it("keeps tenants apart", async () => {
    const a = await seedTenant("usage-a");
    const b = await seedTenant("usage-b");
    for (let i = 0; i < 3; i++) await call("/api/v1/tenant", { token: a.adminKey });
    await expect.poll(() => pendingCalls(a.tenantId), batchSent).toBe(3);
    const usageB = (await (await call("/api/v1/usage", { token: b.adminKey })).json()) as Usage;
    expect(usageB.metrics.api_calls).toBe(0);
  });

  it("filters by period and validates dates", async () => {
    const t = await seedTenant("usage-range");
    const empty = (await (
      await call("/api/v1/usage?start_date=2020-01-01&end_date=2020-01-31", { token: t.adminKey })
    ).json()) as Usage;
    expect(empty.period).toEqual({ start: "2020-01-01", end: "2020-01-31" });
    expect(empty.metrics.api_calls).toBe(0);
    const cases: [string, string][] = [
      ["start_date=2025-02-01&end_date=2025-01-01", "start_date"],
      ["start_date=2025-02-30", "start_date"],
      ["end_date=yesterday", "end_date"],
      ["start_date=2020-01-01&end_date=2025-01-01", "end_date"],
    ];
    for (const [query, field] of cases) {
      const res = await call(`/api/v1/usage?${query}`, { token: t.adminKey });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as ErrorBody).error.details.field, query).toBe(field);
    }
  });
});
