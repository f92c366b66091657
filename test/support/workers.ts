import path from "node:path";
import { readD1Migrations } from "@cloudflare/vitest-plugin";
import { REPO } from "./paths.ts";

/** The local D1 database every worker's wrangler.toml names (they share it, as deployed). */
export const DB_ID = "00000000-0000-4000-8000-000000000001";
export const JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef";
export const TRAINER_SHARED_SECRET = "test-trainer-shared-secret-0123456789";
/** SECRETS_KEY of the api and the dispatcher in tests: one 32-byte key (core/auth/sealed-secrets.ts). */
export const SECRETS_KEY = "dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU";
/** Nothing listens on port 9: the trainer is unreachable unless a test says otherwise. */
export const TRAINER_URL = "http://127.0.0.1:9";
export const PUBLIC_URL = "https://api.edge-ml.test";
export const COMPATIBILITY_DATE = "2026-10-01";

/** migrations/, as the shared setup file (workerd/apply-migrations.ts) applies them. */
export const migrations = () => readD1Migrations(path.join(REPO, "migrations"));

/** The ingest worker's vars in every test project (its own, and beside the api and the dispatcher). */
export const ingestVars = {
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

/**
 * The ingest worker as an auxiliary worker: beside the api (its queue consumer, host of the
 * index and encoder objects) and beside the dispatcher (host of the catalogue object the
 * dispatcher lists and compacts a job's files through). `script` is its bundle (bundle.ts).
 */
export function ingestWorker(script: string) {
  return {
    name: "edge-ml-ingest",
    // Module names are paths relative to this; the bundle imports "./kernel.wasm" beside it.
    modulesRoot: path.dirname(script),
    modules: [
      { type: "ESModule" as const, path: script },
      { type: "CompiledWasm" as const, path: path.join(path.dirname(script), "kernel.wasm") },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
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
}

/**
 * The trainer-dispatch worker beside the api: target of its service binding for /trainer/*.
 * No queue consumers here, so the api's tests see their training and webhook messages untouched.
 */
export function dispatchWorker(script: string) {
  return {
    name: "edge-ml-trainer-dispatch",
    modules: [{ type: "ESModule" as const, path: script }],
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: {
      SERVICE_VERSION: "test",
      TRAINER_URL,
      PUBLIC_URL,
      TRAINER_SHARED_SECRET,
      SECRETS_KEY,
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
  };
}
