import { createApp } from "./app";

export { AbuseDetector } from "./durable-objects/abuse-detector";
export { RateLimiter } from "./durable-objects/rate-limiter";
export { UsageMeter } from "./durable-objects/usage-meter";

/** The api worker: the Hono app, and the Durable Object classes its bindings name. */
const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<ApiEnv>;
