import { z } from "@hono/zod-openapi";
import { IsoDateTime } from "./common";

export const PLANS = ["starter", "pro", "enterprise"] as const;
export const Plan = z.enum(PLANS);
export const TenantStatus = z.enum(["active", "suspended"]);

export const TenantSettings = z
  .object({
    default_model: z.enum(["matrix_factorization", "two_tower", "gnn"]).default("matrix_factorization"),
    embedding_dimension: z.number().int().min(8).max(1536).default(128),
  })
  .openapi("TenantSettings");
export type TenantSettings = z.infer<typeof TenantSettings>;

export const TenantView = z
  .object({
    tenant_id: z.string(),
    name: z.string(),
    plan: Plan,
    status: TenantStatus,
    created_at: IsoDateTime,
    settings: TenantSettings,
  })
  .openapi("Tenant");
