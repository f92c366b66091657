import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { HealthResponse } from "@edge-ml/core/schemas";
import worker from "../src/index";

const fetchWorker = (path: string) =>
  worker.fetch(new Request(`https://dispatch.internal${path}`), env as unknown as DispatchEnv);

describe("trainer-dispatch worker", () => {
  it("reports healthy D1 and R2", async () => {
    const res = await fetchWorker("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "healthy", service: "edge-ml-trainer-dispatch" });
  });

  it("is unhealthy (503) when a binding fails", async () => {
    const broken = { ...env, DATA: { head: () => Promise.reject(new Error("down")) } } as unknown as DispatchEnv;
    const res = await worker.fetch(new Request("https://dispatch.internal/health"), broken);
    expect(res.status).toBe(503);
    expect(((await res.json()) as z.infer<typeof HealthResponse>).dependencies.storage).toBe("unhealthy");
  });
});
