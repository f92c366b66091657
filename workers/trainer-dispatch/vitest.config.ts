import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { bundleWorker } from "../../test/support/bundle.ts";
import { APPLY_MIGRATIONS, REPO } from "../../test/support/paths.ts";
import {
  ingestWorker,
  migrations,
  PUBLIC_URL,
  SECRETS_KEY,
  TRAINER_SHARED_SECRET,
  TRAINER_URL,
} from "../../test/support/workers.ts";

/**
 * `dispatch`: tests inside workerd against the trainer-dispatch worker's config (trainer
 * hand-off, signed URLs and callbacks, heartbeat timeouts, webhook deliveries), with the ingest
 * worker beside it as host of the catalogue and consumer of the ingest queue (compaction of a
 * job's days at dispatch). Webhooks go to a real local server (test/support/webhook-receiver.ts).
 */
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: path.join(import.meta.dirname, "wrangler.toml") },
      remoteBindings: false,
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await migrations(),
          TRAINER_SHARED_SECRET,
          SECRETS_KEY,
          TRAINER_URL,
          PUBLIC_URL,
          DISPATCH_MAX_ATTEMPTS: "3",
        },
        // The ingest worker hosts the catalogue the dispatcher binds cross-script; the
        // tests feed it through its real queue (the api is not running here).
        queueProducers: { TEST_INGEST_QUEUE: { queueName: "edge-ml-ingest" } },
        workers: [ingestWorker(await bundleWorker("ingest", "dispatch"))],
      },
    }),
  ],
  test: {
    name: "dispatch",
    include: ["test/**/*.test.ts"],
    setupFiles: [APPLY_MIGRATIONS],
    globalSetup: [
      path.join(REPO, "test/support/webhook-receiver.ts"),
      path.join(REPO, "test/support/python-trainer.ts"),
    ],
  },
}));
