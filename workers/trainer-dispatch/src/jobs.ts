/**
 * training_jobs rows as this worker reads and changes them (raw D1: a small bundle).
 * Every state change is a conditional UPDATE on the job's current status, so two racing
 * actors (a late callback and the heartbeat sweep, a redelivered message) never both win.
 */
export type JobStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export type Job = {
  id: string;
  tenantId: string;
  modelType: string;
  status: JobStatus;
  hyperparameters: Record<string, number>;
  dataRange: { start_date: string; end_date: string };
  totalEpochs: number;
  callbackSecret: string;
  lastSeq: number;
  dispatchAttempts: number;
  createdAt: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  modelVersion: string | null;
};

type JobRowRaw = {
  id: string;
  tenant_id: string;
  model_type: string;
  status: JobStatus;
  hyperparameters: string;
  data_range: string;
  total_epochs: number;
  callback_secret: string;
  last_seq: number;
  dispatch_attempts: number;
  created_at: string;
  started_at: string | null;
  heartbeat_at: string | null;
  model_version: string | null;
};

export const FINISHED: readonly JobStatus[] = ["completed", "failed", "cancelled"];

function fromRow(r: JobRowRaw): Job {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    modelType: r.model_type,
    status: r.status,
    hyperparameters: JSON.parse(r.hyperparameters) as Record<string, number>,
    dataRange: JSON.parse(r.data_range) as Job["dataRange"],
    totalEpochs: r.total_epochs,
    callbackSecret: r.callback_secret,
    lastSeq: r.last_seq,
    dispatchAttempts: r.dispatch_attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    modelVersion: r.model_version,
  };
}

const COLUMNS =
  "id, tenant_id, model_type, status, hyperparameters, data_range, total_epochs, callback_secret, last_seq, dispatch_attempts, created_at, started_at, heartbeat_at, model_version";

/** The job by id alone: its secret is the authority for callbacks, whatever tenant it belongs to. */
export async function loadJob(db: D1Database, jobId: string): Promise<Job | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM training_jobs WHERE id = ?`).bind(jobId).first<JobRowRaw>();
  return row ? fromRow(row) : null;
}

export const nowIso = (ms = Date.now()) => new Date(ms).toISOString();

/**
 * Fails a job that has not finished; returns false when it already had (nothing changed).
 * Never touches model_versions: a failed job has no version.
 */
export async function failJob(db: D1Database, jobId: string, error: string, at = Date.now()): Promise<boolean> {
  const res = await db
    .prepare(
      "UPDATE training_jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
    )
    .bind(error, nowIso(at), nowIso(at), jobId)
    .run();
  return res.meta.changes > 0;
}

/**
 * The model version a job's artifacts belong to, fixed by the job itself (creation time and
 * id), so dispatch, uploads and the completed callback agree without storing it early:
 * `mf-YYYYMMDD-HHMMSS-<4 hex of the job id>` (i2i-, auto-, tt-, gnn- for the other types).
 */
export function versionFor(job: Pick<Job, "id" | "modelType" | "createdAt">): string {
  const prefixes: Record<string, string> = {
    matrix_factorization: "mf",
    two_tower: "tt",
    gnn: "gnn",
    item_to_item: "i2i",
    auto: "auto",
  };
  const prefix = prefixes[job.modelType] ?? "m";
  const t = job.createdAt.replace(/[-:]/g, "");
  return `${prefix}-${t.slice(0, 8)}-${t.slice(9, 15)}-${job.id.replace(/-/g, "").slice(0, 4).toLowerCase()}`;
}

export function artifactPrefix(job: Pick<Job, "id" | "tenantId" | "modelType" | "createdAt">): string {
  return `tenants/${job.tenantId}/models/${versionFor(job)}/`;
}

/** Removes whatever a job that will never complete uploaded: no artifact outlives its failed job. */
export async function deleteArtifacts(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

export function log(level: "INFO" | "WARN" | "ERROR", message: string, context: Record<string, unknown>): void {
  const line = JSON.stringify({ level, service: "trainer-dispatch", message, context });
  if (level === "ERROR") console.error(line);
  else if (level === "WARN") console.warn(line);
  else console.log(line);
}
