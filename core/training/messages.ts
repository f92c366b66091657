/**
 * The queue messages of training, each queue's type defined once and imported by its producer
 * and its consumer (the ingest and refresh queues' types live with their domains:
 * core/ingest/rows.ts IngestMessage, core/recommend/refresh-message.ts RefreshMessage).
 */

/** A queued job to hand to the trainer: sent by the api's trigger route. */
export type TrainingJobMessage = { job_id: string; tenant_id: string };

/** The dispatcher's own check on a running job, sent to itself with a delay (watchdog.ts). */
export type WatchdogMessage = { kind: "watchdog"; job_id: string; tenant_id: string };

/** Everything on `edge-ml-training`. */
export type TrainingQueueMessage = TrainingJobMessage | WatchdogMessage;

/** On `edge-ml-webhooks`: one `webhook_deliveries` row to sign and POST (api and dispatcher send it). */
export type WebhookQueueMessage = { delivery_id: string };

export function isWatchdogMessage(body: unknown): body is WatchdogMessage {
  const b = body as Partial<WatchdogMessage> | null;
  return !!b && b.kind === "watchdog" && typeof b.job_id === "string";
}

export function isTrainingJobMessage(body: unknown): body is TrainingJobMessage {
  const b = body as Partial<TrainingJobMessage> | null;
  return !!b && typeof b.job_id === "string" && typeof b.tenant_id === "string";
}

export function isWebhookQueueMessage(body: unknown): body is WebhookQueueMessage {
  return typeof (body as Partial<WebhookQueueMessage> | null)?.delivery_id === "string";
}
