import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { ErrorEnvelope } from "@edge-ml/core/schemas";
import worker from "../src/index";

// The ingest worker shares D1 and R2 with the api; the api's test bindings serve it here.
const fetchWorker = (path: string) =>
  worker.fetch(new Request(`https://ingest.internal${path}`), env as unknown as IngestEnv);

describe("ingest worker", () => {
  it("reports healthy D1 and R2", async () => {
    const res = await fetchWorker("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "healthy",
      service: "edge-ml-ingest",
      dependencies: { database: "healthy", storage: "healthy" },
    });
  });

  it("answers unknown paths with the error envelope", async () => {
    const res = await fetchWorker("/nope");
    expect(res.status).toBe(404);
    expect(((await res.json()) as z.infer<typeof ErrorEnvelope>).error.code).toBe("NOT_FOUND");
  });
});
