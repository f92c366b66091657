import { afterEach, describe, expect, it, vi } from "vitest";
import { call, seedTenant } from "./helpers";

type LogLine = {
  timestamp: string;
  level: string;
  service: string;
  trace_id: string;
  span_id: string;
  message: string;
  context: Record<string, unknown>;
};

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
});
