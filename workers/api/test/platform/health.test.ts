import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { HealthResponse } from "@edge-ml/core/schemas";
import { createApp } from "../../src/app";
import { call } from "../helpers";

// The response type is the api's own schema (core/schemas/health.ts), never a copy.
type Health = z.infer<typeof HealthResponse>;

/** The real app against an environment where one binding fails as a broken service would. */
async function healthWith(overrides: Partial<ApiEnv>) {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request("https://api.edge-ml.test/health"), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Health };
}

const failing = () => Promise.reject(new Error("binding unavailable"));

describe("GET /health", () => {
  it("is healthy with real D1, R2 and cache checks", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Health;
    expect(body).toMatchObject({
      status: "healthy",
      service: "edge-ml-api",
      version: env.SERVICE_VERSION,
      checks: { database: "healthy", storage: "healthy", cache: "healthy", dependencies: "healthy" },
      dependencies: { database: "healthy", storage: "healthy", cache: "healthy" },
    });
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(body.uptime_seconds).toBeLessThan(3600);
  });

  it("is degraded (200) when R2 fails", async () => {
    const brokenBucket = { head: failing } as unknown as R2Bucket;
    const { status, body } = await healthWith({ DATA: brokenBucket });
    expect(status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.dependencies.storage).toBe("unhealthy");
  });

  it("is unhealthy (503) when D1 fails", async () => {
    const brokenDb = { prepare: () => ({ first: failing }) } as unknown as D1Database;
    const { status, body } = await healthWith({ DB: brokenDb });
    expect(status).toBe(503);
    expect(body.status).toBe("unhealthy");
    expect(body.dependencies.database).toBe("unhealthy");
  });
});

describe("GET /ready", () => {
  it("is ready once migrations are applied", async () => {
    const res = await call("/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });
});
