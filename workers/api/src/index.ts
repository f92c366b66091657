import { createApp } from "./app";
import { forwardToDispatcher } from "./classify/services/trainer-forward";
import { consumeRefresh } from "./serving/services/refresh-lists";

export { ExperimentObject } from "./experiments/objects/experiment-object";
export { IntakeSweeper } from "./ingest/objects/intake-sweeper";
export { AbuseDetector } from "./metering/objects/abuse-detector";
export { RateLimiter } from "./metering/objects/rate-limiter";
export { UsageMeter } from "./metering/objects/usage-meter";
export { MetricsObject } from "./platform/metrics/metrics-object";

/**
 * The api worker: the Hono app, the consumer of edge-ml-refresh (its only queue: users'
 * stored recommendation lists), and the Durable Object classes its bindings name.
 */
const app = createApp();

export default {
  fetch(request, env, ctx) {
    // Before the app's middleware: the trainer authenticates with signatures, not API keys,
    // and uploads artifacts larger than the api's body limit (docs/trainer-contract.md).
    if (new URL(request.url).pathname.startsWith("/trainer/")) return forwardToDispatcher(request, env, ctx);
    return app.fetch(request, env, ctx);
  },

  async queue(batch, env, _ctx) {
    await consumeRefresh(batch, env);
  },
} satisfies ExportedHandler<ApiEnv>;
