import { checkDatabase, checkStorage } from "@edge-ml/core/runtime/health-checks";
import { workerHealth } from "@edge-ml/core/runtime/worker-health";
import { compactAll } from "./compaction";
import { consumeIngest } from "./consumer";
import { consumeDeadLetters } from "./dead-letters";
import { SWEEP_CRON, sweepIntake } from "./sweep-intake";
import {
  deleteCompletedIntake,
  deleteExpiredIdempotencyKeys,
  deleteExpiredLists,
  trimUserHistory,
} from "./housekeeping";

export { CatalogWriter } from "./catalog-writer";
// Shared classes hosted here (the api binds them with script_name = "edge-ml-ingest"):
// a Durable Object class runs in the script that exports it, wherever its code lives.
export { TextEncoderObject } from "../../shared/objects/text-encoder";
export { VectorIndexObject } from "../../shared/objects/vector-index";

/**
 * The ingest worker: consumes accepted items and events from the ingest queue into D1 and
 * Parquet on R2, stores dead letters, sweeps the intake for lost batches every minute, and
 * every 15 minutes compacts each day's part files, trims per-user history and deletes
 * expired idempotency keys, intake records and recommendation lists.
 */
export default {
  async fetch(request, env) {
    return workerHealth(request, "edge-ml-ingest", env.SERVICE_VERSION, {
      database: () => checkDatabase(env.DB),
      storage: () => checkStorage(env.DATA),
    });
  },

  async queue(batch, env, _ctx) {
    if (batch.queue === env.DEAD_LETTER_QUEUE_NAME) await consumeDeadLetters(batch, env);
    else await consumeIngest(batch, env);
  },

  async scheduled(controller, env, ctx) {
    if (controller.cron === SWEEP_CRON) {
      ctx.waitUntil(sweepIntake(env));
      return;
    }
    ctx.waitUntil(
      Promise.all([
        sweepIntake(env),
        compactAll(env),
        deleteExpiredIdempotencyKeys(env),
        deleteCompletedIntake(env),
        trimUserHistory(env),
        deleteExpiredLists(env),
      ]),
    );
  },
} satisfies ExportedHandler<IngestEnv>;
