import { createApp } from "./app";

/** The api worker. Durable Object classes are exported from here as later issues add them. */
const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<ApiEnv>;
