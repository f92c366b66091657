import { z } from "@hono/zod-openapi";
import { IsoDateTime, paginationQuery } from "./common";

// ---------------------------------------------------------------------------------------------
// Webhooks (classifier-api.md "Webhooks")

export const WEBHOOK_EVENTS = [
  "training.started",
  "training.completed",
  "training.failed",
  "evaluation.completed",
  "model.deployed",
  "retraining.recommended",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS, {
  error: `event must be one of ${WEBHOOK_EVENTS.join(", ")}`,
});

/** Hosts that may be called over plain http, for local development only. */
const LOCAL_HTTP_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why `url` cannot be a webhook target, or null when it can. */
export function webhookUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "url must be an absolute URL";
  }
  if (u.username || u.password) return "url must not contain credentials";
  if (u.protocol === "https:") return null;
  if (u.protocol === "http:" && LOCAL_HTTP_HOSTS.has(u.hostname)) return null;
  return "url must use https (http is allowed only for 127.0.0.1 and localhost, for local development)";
}

export const CreateWebhookRequest = z
  .object({
    url: z
      .string({ error: "url is required" })
      .max(2048, "url must be at most 2048 characters")
      .superRefine((s, ctx) => {
        const problem = webhookUrlProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({ example: "https://hooks.example.com/edge-ml" }),
    events: z
      .array(WebhookEventSchema)
      .min(1, "events must not be empty")
      .max(WEBHOOK_EVENTS.length)
      .refine((e) => new Set(e).size === e.length, "events must not repeat")
      .openapi({ example: ["training.completed", "training.failed", "model.deployed"] }),
  })
  .openapi("CreateWebhookRequest");

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventSchema),
    status: z.enum(["active", "disabled"]),
    created_at: IsoDateTime,
  })
  .openapi("Webhook");

export const CreatedWebhook = Webhook.extend({
  secret: z.string().openapi({
    description:
      "Signs every delivery (X-EdgeML-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, `<t>.<body>`)>). Shown once; never listed again.",
    example: "whsec_4yJ0m9...",
  }),
}).openapi("CreatedWebhook");

export const WebhookList = z.object({ webhooks: z.array(Webhook) }).openapi("WebhookList");

export const WebhookIdParam = z.object({
  webhook_id: z.uuid({ error: "webhook_id must be a UUID" }).openapi({ param: { name: "webhook_id", in: "path" } }),
});

/** The body every delivery POSTs (classifier-api.md "Webhook Payload Example"). */
export const WebhookPayload = z
  .object({
    event: WebhookEventSchema,
    timestamp: IsoDateTime,
    data: z.record(z.string(), z.unknown()),
    correlation_id: z.string(),
  })
  .openapi("WebhookPayload");
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export { webhookPayload } from "../training/webhooks";
/** On `edge-ml-webhooks` (core/training/messages.ts). */
export type { WebhookQueueMessage } from "../training/messages";

export const WebhookDelivery = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event: WebhookEventSchema,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: IsoDateTime,
    delivered_at: IsoDateTime.nullable(),
    payload: WebhookPayload,
  })
  .openapi("WebhookDelivery");

export const WebhookDeliveryList = z
  .object({
    deliveries: z.array(WebhookDelivery),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("WebhookDeliveryList");

export const DeliveriesQuery = paginationQuery(10);
