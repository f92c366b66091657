import { checkDatabase, checkStorage } from "@edge-ml/core/runtime/health-checks";
import { workerHealth } from "@edge-ml/core/runtime/worker-health";

/**
 * The trainer-dispatch worker. For now it only reports its health; the training issue
 * adds the job Queue consumer, the trainer hand-off and the signed callbacks.
 */
export default {
  async fetch(request, env) {
    return workerHealth(request, "edge-ml-trainer-dispatch", env.SERVICE_VERSION, {
      database: () => checkDatabase(env.DB),
      storage: () => checkStorage(env.DATA),
    });
  },
} satisfies ExportedHandler<DispatchEnv>;
