import { z } from "@hono/zod-openapi";
import { DEFAULT_CONSUMED_TYPES } from "../recommend/consumed";
import { InteractionType, IsoDateTime } from "./common";

export const PLANS = ["starter", "pro", "enterprise"] as const;
export const Plan = z.enum(PLANS);
export const TenantStatus = z.enum(["active", "suspended"]);

export const TenantSettings = z
  .object({
    default_model: z.enum(["matrix_factorization", "two_tower", "gnn"]).default("matrix_factorization"),
    embedding_dimension: z.number().int().min(8).max(1536).default(128),
    consumed_interaction_types: z
      .array(InteractionType)
      .max(7)
      .default([...DEFAULT_CONSUMED_TYPES])
      .openapi({
        description:
          "Beyond the contract. Interaction types after which an item is never recommended to that user again, however " +
          "old the event: purchase and dislike by default; add view for content that should not repeat; [] for repeat purchases.",
      }),
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

/** PATCH /api/v1/tenant/settings (beyond the contract): the settings to change; the others stay. */
export const UpdateTenantSettingsRequest = z
  .object({
    consumed_interaction_types: TenantSettings.shape.consumed_interaction_types.removeDefault().optional(),
    default_model: TenantSettings.shape.default_model.removeDefault().optional(),
    embedding_dimension: TenantSettings.shape.embedding_dimension.removeDefault().optional(),
  })
  .strict()
  .openapi("UpdateTenantSettingsRequest", { example: { consumed_interaction_types: ["purchase", "dislike", "view"] } });
