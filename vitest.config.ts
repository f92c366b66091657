import { defineConfig } from "vitest/config";

/**
 * One project per worker, each configured beside its code; shared pieces (bundling a worker,
 * the ingest worker's miniflare definition, vars, the migrations setup, the webhook receiver)
 * are in test/support/. `npx vitest run --project <name>` runs one:
 * - `workers`: the api worker in workerd, with ingest and dispatch beside it, and core's tests;
 * - `ingest`: the ingest worker in workerd (consumer faults, compaction, catalogue);
 * - `dispatch`: the trainer-dispatch worker in workerd, with ingest beside it;
 * - `trainer`: Node unit tests of the trainer (trainer/);
 * - `scripts`: Node tests of scripts/ (`npm run deploy` against a stand-in for wrangler);
 * - `e2e`: Node tests that start the whole platform with `npm start` and call it over HTTP.
 */
export default defineConfig({
  test: {
    // Request logs are one JSON line per request: useful in production, noise in a test run.
    onConsoleLog: (log: string) => !log.includes('"message":"Request processed"'),
    projects: [
      "workers/api/vitest.config.ts",
      "workers/ingest/vitest.config.ts",
      "workers/trainer-dispatch/vitest.config.ts",
      "trainer/vitest.config.ts",
      "scripts/vitest.config.ts",
      "test/e2e/vitest.config.ts",
    ],
  },
});
