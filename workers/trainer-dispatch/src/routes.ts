import { verifyPayload, SIGNATURE_HEADER } from "@edge-ml/core/auth/signatures";
import { partKey } from "@edge-ml/core/ingest/catalog";
import { dayInRange } from "@edge-ml/core/training/catalogue";
import {
  ARTIFACT_NAME,
  ARTIFACTS,
  artifactPrefix,
  REQUIRED_ARTIFACTS,
  trainerPaths,
  versionFor,
  type CallbackBody,
} from "@edge-ml/core/training/contract";
import { loadJob, nowIso, type TrainingJob as Job } from "@edge-ml/core/training/jobs";
import { ACTIVE_SQL, isFinished } from "@edge-ml/core/training/states";
import { LABELLED_SEGMENT } from "./dispatch";
import { deleteArtifacts, log } from "./jobs";
import { verifyUrl } from "./signing";
import { emitSafely } from "./webhooks";
import { jobSecret } from "./secrets";
import { producedType } from "./produced-type";
import { deriveProgress, endedWithParent, settleParent } from "./settle";

/**
 * The trainer's side of docs/trainer-contract.md, under /trainer/jobs/{job_id}/:
 *   GET  data/{date}/{file}   a Parquet part of the job's tenant within its data_range (signed URL)
 *   PUT  artifacts/{name}     an artifact, stored under the job's model version (signed URL)
 *   POST callbacks            progress, heartbeats, completion, failure (HMAC-signed body)
 * The job id in the path selects the job, and only that job's own secret verifies: a secret
 * of another job (of any tenant) cannot read, write or change anything of this one.
 */
const JOB_ROUTE = /^\/trainer\/jobs\/([0-9a-fA-F-]{36})\/(data\/([^/]+)\/([^/]+)|artifacts\/([^/]+)|callbacks)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PART_FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.parquet$/;

const MAX_CALLBACK_BYTES = 64 * 1024;

const error = (status: number, message: string) => Response.json({ error: message }, { status });

export function matchTrainerRoute(request: Request, env: DispatchEnv): Promise<Response> | null {
  const url = new URL(request.url);
  const m = JOB_ROUTE.exec(url.pathname);
  if (!m) return null;
  const jobId = m[1]!.toLowerCase();
  if (m[2] === "callbacks") return request.method === "POST" ? handleCallback(request, env, jobId) : null;
  if (m[3] !== undefined) return request.method === "GET" ? serveData(env, jobId, m[3], m[4]!, url) : null;
  return request.method === "PUT" ? storeArtifact(request, env, jobId, m[5]!, url) : null;
}

async function serveData(env: DispatchEnv, jobId: string, date: string, file: string, url: URL): Promise<Response> {
  const job = await loadJob(env.DB, jobId);
  if (!job) return error(404, "unknown job");
  const check = await verifyUrl(await jobSecret(env, job), "GET", url.pathname, url);
  if (!check.ok) return error(403, check.reason);
  if (isFinished(job.status)) return error(403, `the job is ${job.status}`);
  if (job.inputs) {
    // A classifier job: only the labelled files listed when it was created, by name.
    const listed = date === LABELLED_SEGMENT ? job.inputs.files.find((f) => f.name === file) : undefined;
    const labelled =
      listed && listed.key.startsWith(`tenants/${job.tenantId}/`) ? await env.DATA.get(listed.key) : null;
    if (!labelled) return error(404, "no such file for this job");
    return new Response(labelled.body, {
      headers: { "content-type": "application/vnd.apache.parquet", "content-length": String(labelled.size) },
    });
  }
  const inRange = DATE.test(date) && dayInRange(date, job.dataRange);
  if (!inRange || !PART_FILE.test(file)) return error(404, "no such file for this job");
  // The tenant comes from the job, never from the request: another tenant's file has no URL here.
  const obj = await env.DATA.get(partKey(job.tenantId, date, file.slice(0, -".parquet".length)));
  if (!obj) return error(404, "no such file for this job (compacted or deleted since dispatch?)");
  return new Response(obj.body, {
    headers: { "content-type": "application/vnd.apache.parquet", "content-length": String(obj.size) },
  });
}

async function storeArtifact(
  request: Request,
  env: DispatchEnv,
  jobId: string,
  name: string,
  url: URL,
): Promise<Response> {
  const job = await loadJob(env.DB, jobId);
  if (!job) return error(404, "unknown job");
  const check = await verifyUrl(await jobSecret(env, job), "PUT", trainerPaths(jobId).artifacts, url);
  if (!check.ok) return error(403, check.reason);
  if (isFinished(job.status)) return error(409, `the job is ${job.status}`);
  if (!ARTIFACT_NAME.test(name)) return error(400, "artifact names are [a-z0-9_.-]{1,64}");
  const key = `${artifactPrefix(job)}${name}`;
  const length = Number(request.headers.get("content-length"));
  // R2 streams a body of known length; otherwise buffer it.
  const body = request.body && Number.isInteger(length) && length > 0 ? request.body : await request.arrayBuffer();
  const stored = await env.DATA.put(key, body, { httpMetadata: { contentType: "application/octet-stream" } });
  return Response.json({ name, size: stored?.size ?? 0 }, { status: 201 });
}

/** A callback body as it arrives: the contract's fields (CallbackBody), each yet to be checked. */
type Callback = { [K in keyof CallbackBody]?: unknown };

const finiteMetrics = (m: unknown): Record<string, number> =>
  Object.fromEntries(
    Object.entries(m && typeof m === "object" ? m : {}).filter(
      (e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]),
    ),
  );

async function handleCallback(request: Request, env: DispatchEnv, jobId: string): Promise<Response> {
  const raw = await request.text();
  if (raw.length > MAX_CALLBACK_BYTES) return error(413, "callback body too large");
  const job = await loadJob(env.DB, jobId);
  if (!job) return error(404, "unknown job");
  const sig = await verifyPayload(await jobSecret(env, job), raw, request.headers.get(SIGNATURE_HEADER));
  if (!sig.ok) return error(401, sig.reason);
  let body: Callback;
  try {
    body = JSON.parse(raw) as Callback;
  } catch {
    return error(400, "callback body is not JSON");
  }
  if (body.job_id !== jobId) return error(401, "callback names another job");
  const seq = body.seq;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 1) return error(400, "seq must be an integer >= 1");
  if (isFinished(job.status)) return error(409, `the job is already ${job.status}`);
  if (seq <= job.lastSeq) return error(401, `replayed callback: seq ${seq} is not above ${job.lastSeq}`);
  // An auto candidate whose parent was cancelled stops with it (the trainer stops on the 409).
  if (await endedWithParent(env, job)) return error(409, "the job is cancelled: its auto job has finished");

  switch (body.type) {
    case "started":
    case "progress":
    case "heartbeat":
      return alive(env, job, seq, body);
    case "completed":
      return completed(env, job, seq, body);
    case "failed":
      return failed(
        env,
        job,
        seq,
        typeof body.error === "string" && body.error.trim() ? body.error.trim() : "the trainer failed without a reason",
      );
    default:
      return error(400, "type must be started, progress, heartbeat, completed or failed");
  }
}

/** Why a guarded update changed nothing: the job finished meanwhile (409), or a concurrent callback took the seq (401). */
async function conflict(env: DispatchEnv, jobId: string, seq: number): Promise<Response> {
  const now = await loadJob(env.DB, jobId);
  if (now && isFinished(now.status)) return error(409, `the job is already ${now.status}`);
  return error(401, `replayed callback: seq ${seq} is not above ${now?.lastSeq ?? "?"}`);
}

const GUARD = `WHERE id = ? AND ${ACTIVE_SQL} AND last_seq < ?`;

async function alive(env: DispatchEnv, job: Job, seq: number, body: Callback): Promise<Response> {
  const now = nowIso();
  const sets = [
    "last_seq = ?",
    "heartbeat_at = ?",
    "updated_at = ?",
    "status = 'running'",
    "started_at = coalesce(started_at, ?)",
  ];
  const params: unknown[] = [seq, now, now, now];
  if (body.type === "started" && typeof body.total_epochs === "number" && Number.isInteger(body.total_epochs)) {
    sets.push("total_epochs = ?");
    params.push(body.total_epochs);
  }
  if (body.type === "progress") {
    // progress always; epoch and metrics when an epoch of the final model finished.
    const progress = typeof body.progress === "number" && Number.isFinite(body.progress) ? body.progress : 0;
    // Progress never goes backwards.
    sets.push("progress = max(progress, ?)");
    params.push(Math.min(1, Math.max(0, progress)));
    if (typeof body.epoch === "number" && Number.isInteger(body.epoch) && body.epoch >= 0) {
      const metrics = finiteMetrics(body.metrics);
      sets.push("current_epoch = ?", "metrics = ?", "history = json_insert(history, '$[#]', json(?))");
      params.push(body.epoch, JSON.stringify(metrics), JSON.stringify({ epoch: body.epoch, ...metrics }));
    }
  }
  const res = await env.DB.prepare(`UPDATE training_jobs SET ${sets.join(", ")} ${GUARD}`)
    .bind(...params, job.id, seq)
    .run();
  if (res.meta.changes === 0) return conflict(env, job.id, seq);
  await deriveProgress(env, job);
  return Response.json({ ok: true, seq });
}

async function completed(env: DispatchEnv, job: Job, seq: number, body: Callback): Promise<Response> {
  const prefix = artifactPrefix(job);
  const modelType = await producedType(env, job, prefix);
  const missing: string[] = [];
  for (const name of REQUIRED_ARTIFACTS[modelType ?? ""] ?? [ARTIFACTS.manifest]) {
    if (!(await env.DATA.head(`${prefix}${name}`))) missing.push(name);
  }
  if (missing.length > 0) {
    // Nothing half-deployed: a completion without its artifacts is a failed job.
    return failed(env, job, seq, `the trainer reported completion without uploading ${missing.join(", ")}`, 422);
  }
  const version = versionFor(job);
  const metrics = JSON.stringify(finiteMetrics(body.metrics));
  if (job.parentJobId) return candidateCompleted(env, job, seq, version, metrics, body);
  // The search report (core/ml/tuning.ts) is the trainer's to write: stored as sent when it
  // is an object, for /api/v1/model/versions; the callback's size limit bounds it.
  const tuning =
    body.tuning && typeof body.tuning === "object" && !Array.isArray(body.tuning) ? JSON.stringify(body.tuning) : null;
  const now = nowIso();
  const kind = job.modelType === "classifier" ? "classifier" : "recommender";
  // One transaction: the job completes and its version appears together, or neither.
  const [update, , firstDeploy] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE training_jobs SET status = 'completed', progress = 1, current_epoch = max(current_epoch, total_epochs), metrics = ?, model_version = ?, last_seq = ?, heartbeat_at = ?, finished_at = ?, updated_at = ?, error = NULL ${GUARD}`,
    ).bind(metrics, version, seq, now, now, now, job.id, seq),
    env.DB.prepare(
      `INSERT INTO model_versions (tenant_id, kind, version, model_type, status, is_production, metrics, training_job_id, artifact_prefix, created_at, tuning)
       SELECT tenant_id, ?, model_version, ?, 'pending', 0, metrics, id, ?, ?, ?
         FROM training_jobs WHERE id = ? AND status = 'completed' AND model_version = ? AND last_seq = ?`,
    ).bind(kind, modelType, prefix, now, tuning, job.id, version, seq),
    // A tenant's first classifier serves at once (predict has nothing to answer with before);
    // later ones wait for a deploy or the gated loop. The partial unique index makes it one at most.
    env.DB.prepare(
      `UPDATE model_versions SET is_production = 1, status = 'active', deployed_at = ?
        WHERE tenant_id = ? AND kind = 'classifier' AND version = ? AND ? = 'classifier'
          AND NOT EXISTS (SELECT 1 FROM model_versions WHERE tenant_id = ? AND kind = 'classifier' AND is_production = 1)
        RETURNING version`,
    ).bind(now, job.tenantId, version, kind, job.tenantId),
  ]);
  if (!update || update.meta.changes === 0) return conflict(env, job.id, seq);
  log("INFO", "Training job completed", { job_id: job.id, tenant_id: job.tenantId, version });
  await emitSafely(env, job.tenantId, "training.completed", {
    training_job_id: job.id,
    version,
    kind,
    metrics: JSON.parse(metrics) as Record<string, number>,
  });
  if ((firstDeploy?.results.length ?? 0) > 0) {
    log("INFO", "First classifier deployed", { job_id: job.id, tenant_id: job.tenantId, version });
    await emitSafely(env, job.tenantId, "model.deployed", {
      version,
      kind,
      model_type: modelType,
      previous_version: null,
      training_job_id: job.id,
      metrics: JSON.parse(metrics) as Record<string, number>,
      rollback: false,
    });
  }
  return Response.json({ ok: true, seq, version });
}

/**
 * An auto candidate's completion: no version of its own (settle.ts registers the parent's);
 * its figures and search report wait on its row for the parent's choice.
 */
async function candidateCompleted(
  env: DispatchEnv,
  job: Job,
  seq: number,
  version: string,
  metrics: string,
  body: Callback,
): Promise<Response> {
  const tuning = body.tuning && typeof body.tuning === "object" && !Array.isArray(body.tuning) ? body.tuning : null;
  const now = nowIso();
  const res = await env.DB.prepare(
    `UPDATE training_jobs SET status = 'completed', progress = 1, current_epoch = max(current_epoch, total_epochs), metrics = ?, tuning = ?, model_version = ?, last_seq = ?, heartbeat_at = ?, finished_at = ?, updated_at = ?, error = NULL ${GUARD}`,
  )
    .bind(metrics, tuning ? JSON.stringify(tuning) : null, version, seq, now, now, now, job.id, seq)
    .run();
  if (res.meta.changes === 0) return conflict(env, job.id, seq);
  log("INFO", "auto candidate completed", { job_id: job.id, parent_job_id: job.parentJobId, tenant_id: job.tenantId });
  await settleParent(env, { ...job, status: "completed" });
  return Response.json({ ok: true, seq, version });
}

async function failed(env: DispatchEnv, job: Job, seq: number, reason: string, status = 200): Promise<Response> {
  const message = reason.slice(0, 1000);
  const now = nowIso();
  const res = await env.DB.prepare(
    `UPDATE training_jobs SET status = 'failed', error = ?, last_seq = ?, heartbeat_at = ?, finished_at = ?, updated_at = ? ${GUARD}`,
  )
    .bind(message, seq, now, now, now, job.id, seq)
    .run();
  if (res.meta.changes === 0) return conflict(env, job.id, seq);
  log("WARN", "Training job failed", { job_id: job.id, tenant_id: job.tenantId, error: message });
  await deleteArtifacts(env.DATA, artifactPrefix(job));
  // A candidate is the dispatcher's, not the tenant's: its parent reports (settle.ts).
  if (job.parentJobId) await settleParent(env, job);
  else await emitSafely(env, job.tenantId, "training.failed", { training_job_id: job.id, error: message });
  return status === 200 ? Response.json({ ok: true, seq }) : error(status, message);
}
