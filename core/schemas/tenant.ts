import { z } from "@hono/zod-openapi";
import { DEFAULT_CONSUMED_TYPES } from "../recommend/consumed";
import { InteractionType, IsoDateTime } from "./common";

export const PLANS = ["starter", "pro", "enterprise"] as const;
export const Plan = z.enum(PLANS);
export const TenantStatus = z.enum(["active", "suspended"]);

/** At most this many origins per tenant: CORS lists name a few front ends, not a crawl list. */
export const MAX_CORS_ORIGINS = 50;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * An exact browser origin (`https://shop.example.com`, `https://a.example:8443`): scheme,
 * host and port only, in the form browsers send in `Origin`. `http` only for local hosts;
 * no wildcards, no `null`, no path.
 */
export function isCorsOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // URL accepts `*` and other oddities in host names; an origin's host is letters, digits, dots, hyphens.
  if (url.origin !== value || !/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
}

export const CorsOrigin = z
  .string()
  .max(255, "an origin must be at most 255 characters")
  .refine(
    isCorsOrigin,
    "an origin must be scheme://host[:port] exactly (https, or http on localhost), without path or wildcard",
  )
  .openapi({ example: "https://shop.example.com" });

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
    cors_allowed_origins: z
      .array(CorsOrigin)
      .max(MAX_CORS_ORIGINS, `at most ${MAX_CORS_ORIGINS} origins`)
      .default([])
      .openapi({
        description:
          "Beyond the contract. Browser origins allowed to call the API with this tenant's credentials (CORS); " +
          "empty (the default): CORS is off and browsers on other origins cannot read responses. See docs/decisions.md.",
      }),
    classifier_auto_retrain: z
      .boolean({ error: "classifier_auto_retrain must be a boolean" })
      .default(false)
      .openapi({
        description:
          "Beyond the contract. The gated retraining loop: when POST /api/v1/model/retrain-check recommends retraining, " +
          "train a classifier with feedback, evaluate it against production on the held-out split and deploy it only " +
          'if it is better by the threshold (docs/decisions.md "Text classification"). Off by default.',
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
    cors_allowed_origins: TenantSettings.shape.cors_allowed_origins.removeDefault().optional(),
    classifier_auto_retrain: TenantSettings.shape.classifier_auto_retrain.removeDefault().optional(),
  })
  .strict()
  .openapi("UpdateTenantSettingsRequest", { example: { consumed_interaction_types: ["purchase", "dislike", "view"] } });
