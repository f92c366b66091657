import path from "node:path";
import { build } from "esbuild";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { sampleInteractions, sampleItems } from "./scripts/lib/sample-data.ts";

const DB_ID = "00000000-0000-4000-8000-000000000001";
const JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef";

/**
 * A worker bundled as `wrangler deploy` would, to run beside the api in its tests: the ingest
 * worker (queue consumer, host of the cross-script objects) and the trainer-dispatch worker
 * (target of the api's service binding for /trainer/*; no queue consumers there, so the api's
 * tests see their training and webhook messages untouched).
 */
async function bundleWorker(name: "ingest" | "trainer-dispatch"): Promise<string> {
  const outfile = path.join(import.meta.dirname, `dist/test/${name}.mjs`);
  await build({
    entryPoints: [path.join(import.meta.dirname, `workers/${name}/src/index.ts`)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    // The vector kernel: copied beside the bundle as kernel.wasm and imported as a compiled
    // module, as wrangler ships it (listed as a CompiledWasm module below).
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

/**
 * Outbound fetches of the dispatch tests: `https://webhook-receiver.test/<status>` answers with
 * that status and records the request (GET /__received returns the records); anything else
 * goes to the real network (so a closed port is really closed).
 */
const received: { url: string; headers: Record<string, string>; body: string }[] = [];
async function webhookReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== "webhook-receiver.test") return fetch(request);
  if (url.pathname === "/__received") return Response.json(received.splice(0));
  received.push({
    url: request.url,
    headers: Object.fromEntries([...(request.headers as unknown as Iterable<[string, string]>)]),
    body: await request.text(),
  });
  return new Response("ok", { status: Number(url.pathname.slice(1)) || 200 });
}

/**
 * Five projects:
 * - `workers`: tests inside workerd against the api worker (wrangler.toml) with the ingest
 *   worker running beside it as the queue consumer, sharing the real local D1, R2 and Queues;
 * - `ingest`: tests inside workerd against the ingest worker's own config (consumer faults,
 *   compaction, catalogue);
 * - `dispatch`: tests inside workerd against the trainer-dispatch worker's config (trainer
 *   hand-off, signed URLs and callbacks, heartbeat timeouts, webhook deliveries), with the
 *   ingest worker beside it as host of the catalogue and consumer of the ingest queue
 *   (compaction of a job's days at dispatch);
 * - `trainer`: Node unit tests of the trainer (trainer/);
 * - `e2e`: Node tests that start the whole platform with `npm start` and call it over HTTP.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const ingestScript = await bundleWorker("ingest");
  const dispatchScript = await bundleWorker("trainer-dispatch");
  // The sample catalogue (data/catalog) and synthetic shoppers, for the serving tests.
  const sample = sampleItems();
  const sampleData = { items: sample, events: sampleInteractions(sample, 120, 25) };
  const ingestVars = {
    SERVICE_VERSION: "test",
    DATA_BUCKET_NAME: "edge-ml-data",
    DEAD_LETTER_QUEUE_NAME: "edge-ml-ingest-dlq",
    INGEST_RETRY_BASE_SECONDS: "0",
    VECTOR_BACKEND: "local",
    TEXT_ENCODER_BACKEND: "local",
    TEXT_ENCODER_MODEL: "@cf/baai/bge-small-en-v1.5",
    // Off in the workerd tests: a background re-ranking after every event would race the
    // tests that watch the caches. stored-lists.test.ts drives the api's consumer itself;
    // test/e2e/quickstart.test.ts runs the whole path on `npm start` (where it is on).
    RECOMMENDATION_REFRESH: "off",
  };
  // The ingest worker beside the api (its queue consumer) and beside the dispatcher (host of the
  // catalogue object the dispatcher lists and compacts a job's files through).
  const ingestWorker = {
    name: "edge-ml-ingest",
    modules: [
      { type: "ESModule" as const, path: ingestScript },
      { type: "CompiledWasm" as const, path: path.join(path.dirname(ingestScript), "kernel.wasm") },
    ],
    compatibilityDate: "2026-10-01",
    bindings: ingestVars,
    d1Databases: { DB: DB_ID },
    r2Buckets: { DATA: "edge-ml-data" },
    // As in workers/ingest/wrangler.toml: SQLite-backed classes.
    durableObjects: {
      CATALOG: { className: "CatalogWriter", useSQLite: true },
      VECTOR_INDEX: { className: "VectorIndexObject", useSQLite: true },
      TEXT_ENCODER: { className: "TextEncoderObject", useSQLite: true },
    },
    queueProducers: { REFRESH_QUEUE: "edge-ml-refresh" },
    queueConsumers: {
      "edge-ml-ingest": {
        maxBatchSize: 100,
        maxBatchTimeout: 0.2,
        maxRetries: 2,
        deadLetterQueue: "edge-ml-ingest-dlq",
      },
      "edge-ml-ingest-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.2 },
    },
  };
  return {
    test: {
      // Request logs are one JSON line per request: useful in production, noise in a test run.
      onConsoleLog: (log: string) => !log.includes('"message":"Request processed"'),
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              remoteBindings: false,
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, JWT_SECRET, TEST_SAMPLE_DATA: sampleData },
                workers: [
                  ingestWorker,
                  {
                    name: "edge-ml-trainer-dispatch",
                    modules: [{ type: "ESModule", path: dispatchScript }],
                    compatibilityDate: "2026-10-01",
                    bindings: {
                      SERVICE_VERSION: "test",
                      TRAINER_URL: "http://127.0.0.1:9",
                      PUBLIC_URL: "https://api.edge-ml.test",
                      TRAINER_SHARED_SECRET: "test-trainer-shared-secret-0123456789",
                      HEARTBEAT_SECONDS: "30",
                      DISPATCH_MAX_ATTEMPTS: "3",
                      DISPATCH_RETRY_BASE_SECONDS: "0",
                      QUEUED_TIMEOUT_SECONDS: "3600",
                      SIGNED_URL_TTL_SECONDS: "21600",
                      WEBHOOK_MAX_ATTEMPTS: "3",
                      WEBHOOK_RETRY_BASE_SECONDS: "0",
                      TRAINING_QUEUE_NAME: "edge-ml-training",
                      WEBHOOK_QUEUE_NAME: "edge-ml-webhooks",
                    },
                    d1Databases: { DB: DB_ID },
                    r2Buckets: { DATA: "edge-ml-data" },
                    durableObjects: { CATALOG: { className: "CatalogWriter", scriptName: "edge-ml-ingest" } },
                    queueProducers: { TRAINING_QUEUE: "edge-ml-training", WEBHOOK_QUEUE: "edge-ml-webhooks" },
                  },
                ],
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["workers/api/test/**/*.test.ts", "core/**/*.test.ts"],
            setupFiles: ["./workers/api/test/apply-migrations.ts"],
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./workers/ingest/wrangler.toml" },
              remoteBindings: false,
              miniflare: { bindings: { TEST_MIGRATIONS: migrations, ...ingestVars } },
            }),
          ],
          test: {
            name: "ingest",
            include: ["workers/ingest/test/**/*.test.ts"],
            setupFiles: ["./workers/api/test/apply-migrations.ts"],
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./workers/trainer-dispatch/wrangler.toml" },
              remoteBindings: false,
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TRAINER_SHARED_SECRET: "test-trainer-shared-secret-0123456789",
                  // Nothing listens on port 9: the trainer is unreachable unless a test says otherwise.
                  TRAINER_URL: "http://127.0.0.1:9",
                  PUBLIC_URL: "https://api.edge-ml.test",
                  DISPATCH_MAX_ATTEMPTS: "3",
                },
                // The one fake: a remote webhook receiver (a tenant's server), nothing of ours.
                outboundService: webhookReceiver,
                // The ingest worker hosts the catalogue the dispatcher binds cross-script; the
                // tests feed it through its real queue (the api is not running here).
                queueProducers: { TEST_INGEST_QUEUE: { queueName: "edge-ml-ingest" } },
                workers: [ingestWorker],
              },
            }),
          ],
          test: {
            name: "dispatch",
            include: ["workers/trainer-dispatch/test/**/*.test.ts"],
            setupFiles: ["./workers/api/test/apply-migrations.ts"],
          },
        },
        {
          // The Node trainer's own unit tests (spec checks, parameter mapping, reporting).
          test: { name: "trainer", environment: "node", include: ["trainer/test/**/*.test.ts"] },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            testTimeout: 120_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
