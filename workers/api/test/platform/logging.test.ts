import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import type { LogLine } from "../../../shared/logger";
import { call, seedTenant } from "../helpers";

function requestLines(spy: { mock: { calls: unknown[][] } }): LogLine[] {
  return spy.mock.calls
    .map((args) => String(args[0]))
    .filter((s) => s.startsWith("{"))
    .map((s) => JSON.parse(s) as LogLine)
    .filter((l) => l.message === "Request processed");
}

afterEach(() => vi.restoreAllMocks());

describe("structured request logs (platform-api.md section 7)", () => {
  it("writes one JSON line per request with tenant, endpoint template, status, duration and trace ids", async () => {
    const t = await seedTenant("logs");
    const spy = vi.spyOn(console, "log");
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await call(`/api/v1/api-keys/${t.adminKeyId}`, {
      method: "DELETE",
      token: t.adminKey,
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const lines = requestLines(spy);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({ level: "INFO", service: "backend-api", trace_id: traceId });
    expect(line.span_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(line.timestamp)).not.toBeNaN();
    expect(line.context).toMatchObject({
      tenant_id: t.tenantId,
      method: "DELETE",
      endpoint: "/api/v1/api-keys/:id",
      status_code: 200,
    });
    expect(line.context.duration_ms).toEqual(expect.any(Number));
  });

  it("logs public requests without a tenant", async () => {
    const spy = vi.spyOn(console, "log");
    await call("/health");
    expect(requestLines(spy)[0]?.context.tenant_id).toBeUndefined();
  });

  it("LOG_LEVEL=warn drops the per-request lines and keeps failures", async () => {
    const info = vi.spyOn(console, "log");
    const errors = vi.spyOn(console, "error");
    const app = createApp();
    const send = async (path: string, overrides: Partial<ApiEnv>) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`https://api.edge-ml.test${path}`), { ...env, ...overrides }, ctx);
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await send("/health/live", { LOG_LEVEL: "warn" })).toBe(200);
    expect(requestLines(info)).toHaveLength(0);
    // A failing dependency: /health answers 503, logged as an error at any level.
    expect(
      await send("/health", {
        LOG_LEVEL: "warn",
        DB: {
          prepare: () => {
            throw new Error("down");
          },
        } as never,
      }),
    ).toBe(503);
    const failed = errors.mock.calls.map((a) => String(a[0])).filter((s) => s.includes('"Request failed"'));
    expect(failed).toHaveLength(1);
    expect(await send("/health/live", { LOG_LEVEL: "info" })).toBe(200);
    expect(requestLines(info)).toHaveLength(1);
  });
});
