import { z } from "@hono/zod-openapi";
import { IsoDateTime } from "./common";

export const CheckStatus = z.enum(["healthy", "degraded", "unhealthy"]);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** The union of the health shapes in platform-api.md and classifier-api.md. */
export const HealthResponse = z
  .object({
    status: CheckStatus,
    service: z.string(),
    version: z.string(),
    uptime_seconds: z.number().int().openapi({ description: "Seconds since this isolate started." }),
    timestamp: IsoDateTime,
    checks: z.record(z.string(), CheckStatus).openapi({
      example: { database: "healthy", storage: "healthy", cache: "healthy", dependencies: "healthy" },
    }),
    dependencies: z.record(z.string(), CheckStatus),
  })
  .openapi("Health");

export const ReadyResponse = z.object({ ready: z.boolean() }).openapi("Ready");
