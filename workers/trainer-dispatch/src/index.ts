import { checkDatabase, checkStorage } from "@edge-ml/core/runtime/health-checks";
import { workerHealth } from "@edge-ml/core/runtime/worker-health";
import { isWatchdogMessage } from "@edge-ml/core/training/messages";
import { dispatchJob } from "./dispatch";
import { log } from "./jobs";
import { matchTrainerRoute } from "./routes";
import { runWatchdog, sweep } from "./watchdog";
import { deliverWebhook, resendRefusedDeliveries } from "./webhooks";

/**
 * The trainer-dispatch worker (docs/trainer-contract.md):
 * - fetch: /health, and the trainer's routes under /trainer/jobs/{id}/ (data, artifacts,
 *   callbacks), which the api forwards to it through a service binding;
 * - queue edge-ml-training: hands queued jobs to the trainer, and runs per-job watchdogs;
 * - queue edge-ml-webhooks: delivers signed webhooks with retries;
 * - scheduled (every minute): fails silent or stuck jobs (backstop for the watchdogs), and
 *   re-sends the webhook deliveries the queue refused (core/training/webhooks.ts).
 */
export default {
  async fetch(request, env) {
    const routed = matchTrainerRoute(request, env);
    if (routed) return routed;
    return workerHealth(request, "edge-ml-trainer-dispatch", env.SERVICE_VERSION, {
      database: () => checkDatabase(env.DB),
      storage: () => checkStorage(env.DATA),
    });
  },

  async queue(batch, env, _ctx) {
    // One message at a time, each acked or retried on its own; a thrown error retries only it.
    for (const msg of batch.messages) {
      try {
        if (batch.queue === env.WEBHOOK_QUEUE_NAME) await deliverWebhook(msg, env);
        else if (isWatchdogMessage(msg.body)) await runWatchdog(msg, env);
        else await dispatchJob(msg, env);
      } catch (e) {
        log("ERROR", "Message failed; will retry", { queue: batch.queue, message_id: msg.id, error: String(e) });
        msg.retry({ delaySeconds: Math.min(300, 5 * 2 ** Math.max(0, msg.attempts - 1)) });
      }
    }
  },

  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(Promise.all([sweep(env), resendRefusedDeliveries(env)]));
  },
} satisfies ExportedHandler<DispatchEnv>;
