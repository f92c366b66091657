import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { sampleInteractions, sampleItems } from "../../scripts/lib/sample-data.ts";
import { bundleWorker } from "../../test/support/bundle.ts";
import { APPLY_MIGRATIONS, REPO } from "../../test/support/paths.ts";
import { dispatchWorker, ingestWorker, JWT_SECRET, migrations, SECRETS_KEY } from "../../test/support/workers.ts";

/**
 * `workers`: tests inside workerd against the api worker (the root wrangler.toml), with the
 * ingest worker beside it as the queue consumer and the dispatcher as the target of /trainer/*,
 * sharing the real local D1, R2 and Queues. Also core's unit tests, which need workerd for the
 * compiled WASM kernel. Rooted at the repository, where the api's wrangler.toml and core are.
 */
export default defineConfig(async () => {
  // The sample catalogue (data/catalog) and synthetic shoppers, for the serving tests.
  const items = sampleItems();
  const sampleData = { items, events: sampleInteractions(items, 120, 25) };
  return {
    root: REPO,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(REPO, "wrangler.toml") },
        remoteBindings: false,
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await migrations(),
            JWT_SECRET,
            SECRETS_KEY,
            METRICS_TOKEN: "test-metrics-token-0123456789abcdef",
            TEST_SAMPLE_DATA: sampleData,
          },
          workers: [
            ingestWorker(await bundleWorker("ingest", "workers")),
            dispatchWorker(await bundleWorker("trainer-dispatch", "workers")),
          ],
        },
      }),
    ],
    test: {
      name: "workers",
      include: ["workers/api/test/**/*.test.ts", "core/**/*.test.ts"],
      setupFiles: [APPLY_MIGRATIONS],
      // `npm test` runs the e2e stacks beside this project on the same cores. There, a test of
      // a dozen requests that takes 0.6 s alone took 6 s, past vitest's default of 5 s (the abuse
      // walk in CI on 2026-12-02, and the dead-letters test before it). No test here asserts on
      // time, so a longer limit only turns those loaded runs from failures into slow passes.
      testTimeout: 30_000,
    },
  };
});
