/**
 * What the dispatcher adds to the training core (core/training: job type, states, queries):
 * artifact clean-up and its log lines. `loadJob` is re-exported for the tests that read a job
 * as the dispatcher does.
 */
import { backgroundLogger } from "../../shared/logger";

export { loadJob } from "@edge-ml/core/training/jobs";

/** Removes whatever a job that will never complete uploaded: no artifact outlives its failed job. */
export async function deleteArtifacts(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/** A line in the platform's JSON log format (workers/shared/logger.ts), a trace of its own per line. */
export function log(level: "INFO" | "WARN" | "ERROR", message: string, context: Record<string, unknown>): void {
  const logger = backgroundLogger("trainer-dispatch");
  if (level === "ERROR") logger.error(message, context);
  else if (level === "WARN") logger.warn(message, context);
  else logger.info(message, context);
}
