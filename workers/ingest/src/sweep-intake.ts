import { sweepAfterMs, sweepDue } from "@edge-ml/core/ingest/intake";

// Not in index.ts: a worker's module exports may only be handlers and classes.
/** The every-minute cron: only the intake sweep; the others run every 15 minutes. */
export const SWEEP_CRON = "* * * * *";

/** Sends again every accepted batch that is due and not complete (durable intake). */
export async function sweepIntake(env: IngestEnv, now = Date.now()): Promise<number> {
  return sweepDue(env.DB, env.INGEST_QUEUE, now, sweepAfterMs(env.INTAKE_SWEEP_AFTER_SECONDS));
}
