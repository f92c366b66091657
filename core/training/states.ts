import type { TrainingJobRow } from "../db/schema/training";

/**
 * The training job's life (docs/trainer-contract.md, docs/decisions.md "Training core"). A job
 * is created `queued` (or `failed` at once when it cannot run), and leaves an active state
 * only for a finished one, which is final: late callbacks, redelivered messages and sweeps
 * find it finished and change nothing. `queued` may skip `running`, because the trainer's
 * first callback can overtake the dispatcher's own update.
 */
export type JobStatus = TrainingJobRow["status"];

export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  queued: ["running", "completed", "failed", "cancelled"],
  running: ["completed", "failed", "cancelled"],
  completed: [],
  failed: [],
  cancelled: [],
};

/** States a job can still leave: at most one such job per tenant and model kind. */
export const ACTIVE_STATUSES = ["queued", "running"] as const satisfies readonly JobStatus[];
export const FINISHED_STATUSES = ["completed", "failed", "cancelled"] as const satisfies readonly JobStatus[];

export const isFinished = (status: JobStatus): boolean => TRANSITIONS[status].length === 0;

/**
 * The SQL condition for "may still change", for the raw statements: every state change is a
 * conditional UPDATE on it, so two racing actors never both win.
 */
export const ACTIVE_SQL = `status IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ")})`;
