import { API_SERVICE, backgroundLogger, logLevelOf } from "../../lib/logger";
import { advanceRetraining } from "./retrain-loop";

const CALLBACK = /^\/trainer\/jobs\/([0-9a-fA-F-]{36})\/callbacks$/;

/**
 * `/trainer/*` goes to the dispatcher as it is (docs/trainer-contract.md). An accepted callback
 * may have finished a classifier job of the retraining loop: after the answer, the loop takes
 * its next step (evaluate, deploy or keep) here in the api, where the classifier code and the
 * registry's deploy live; a job without a loop run costs one indexed D1 read.
 */
export async function forwardToDispatcher(request: Request, env: ApiEnv, ctx: ExecutionContext): Promise<Response> {
  const m = request.method === "POST" ? CALLBACK.exec(new URL(request.url).pathname) : null;
  const response = await env.TRAINER_DISPATCH.fetch(request);
  if (m && response.ok) {
    const logger = backgroundLogger(API_SERVICE, logLevelOf(env.LOG_LEVEL));
    ctx.waitUntil(
      advanceRetraining(env, m[1]!.toLowerCase(), logger).catch((e: unknown) =>
        logger.error("Retraining loop step failed", { job_id: m[1], error: String(e) }),
      ),
    );
  }
  return response;
}
