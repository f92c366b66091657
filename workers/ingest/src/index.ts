import { checkDatabase, checkStorage } from "@edge-ml/core/runtime/health-checks";
import { workerHealth } from "@edge-ml/core/runtime/worker-health";

/**
 * The ingest worker. For now it only reports its health; the ingestion issue adds the
 * Queue consumer that writes items and events to D1 and Parquet on R2.
 */
export default {
  async fetch(request, env) {
    return workerHealth(request, "edge-ml-ingest", env.SERVICE_VERSION, {
      database: () => checkDatabase(env.DB),
      storage: () => checkStorage(env.DATA),
    });
  },
} satisfies ExportedHandler<IngestEnv>;
