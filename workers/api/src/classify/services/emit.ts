import type { WebhookEvent } from "@edge-ml/core/schemas";
import { emitWebhookEvent } from "@edge-ml/core/training/webhooks";
import type { Logger } from "../../lib/logger";

/** A webhook event whose failure to queue is logged, never fatal to the step that emits it. */
export async function emitSafely(
  env: Pick<ApiEnv, "DB" | "WEBHOOK_QUEUE">,
  tenantId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
  correlationId: string,
  logger: Logger,
): Promise<void> {
  try {
    await emitWebhookEvent(env, tenantId, event, data, correlationId);
  } catch (err) {
    logger.warn("Webhook event not emitted", { event, error: String(err) });
  }
}
