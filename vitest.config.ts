import path from "node:path";
import { build } from "esbuild";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { sampleInteractions, sampleItems } from "./scripts/lib/sample-data.ts";

const DB_ID = "00000000-0000-4000-8000-000000000001";
const JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef";

/** The ingest worker, bundled as `wrangler deploy` would, to run beside the api in its tests. */
async function bundleIngestWorker(): Promise<string> {
  const outfile = path.join(import.meta.dirname, "dist/test/ingest.mjs");
  await build({
    entryPoints: [path.join(import.meta.dirname, "workers/ingest/src/index.ts")],
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
 * Three projects:
 * - `workers`: tests inside workerd against the api worker (wrangler.toml) with the ingest
 *   worker running beside it as the queue consumer, sharing the real local D1, R2 and Queues;
 * - `ingest`: tests inside workerd against the ingest worker's own config (consumer faults,
 *   compaction, catalogue);
 * - `e2e`: Node tests that start the whole platform with `npm start` and call it over HTTP.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const ingestScript = await bundleIngestWorker();
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
                  {
                    name: "edge-ml-ingest",
                    modules: [
                      { type: "ESModule", path: ingestScript },
                      { type: "CompiledWasm", path: path.join(path.dirname(ingestScript), "kernel.wasm") },
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
                    queueConsumers: {
                      "edge-ml-ingest": {
                        maxBatchSize: 100,
                        maxBatchTimeout: 0.2,
                        maxRetries: 2,
                        deadLetterQueue: "edge-ml-ingest-dlq",
                      },
                      "edge-ml-ingest-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.2 },
                    },
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
            include: ["workers/ingest/test/**/*.test.ts", "workers/trainer-dispatch/test/**/*.test.ts"],
            setupFiles: ["./workers/api/test/apply-migrations.ts"],
          },
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
