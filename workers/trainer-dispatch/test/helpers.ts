import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { keyringFrom, sealedFor, sealSecret } from "@edge-ml/core/auth/sealed-secrets";
import { signPayload, SIGNATURE_HEADER } from "@edge-ml/core/auth/signatures";
import { catalogOf } from "../src/compact-range";
import worker from "../src/index";

/** The tenant's catalogue object: the dispatcher's own accessor (the tests also add parts, as the consumer does). */
export { catalogOf };

export const dispatchEnv = env as unknown as DispatchEnv;

/**
 * A URL of the webhook receiver (a real local server, test/support/webhook-receiver.ts) that
 * answers `status` and records the request; `receiverUrl("__received")` lists (and forgets) them.
 */
export const receiverUrl = (status: number | "__received") => `${inject("webhookReceiver")}/${status}`;

/** The ingest queue, consumed by the ingest worker running beside the dispatcher (a test-only binding). */
export const ingestQueue = (env as unknown as { TEST_INGEST_QUEUE: Queue }).TEST_INGEST_QUEUE;

export async function createTenant(id = crypto.randomUUID()): Promise<string> {
  const now = new Date().toISOString();
  await dispatchEnv.DB.prepare(
    "INSERT INTO tenants (id, name, plan, status, settings, created_at, updated_at) VALUES (?, 'T', 'pro', 'active', '{}', ?, ?)",
  )
    .bind(id, now, now)
    .run();
  return id;
}

export type TestJob = { id: string; tenantId: string; secret: string };

/** A secret sealed for its row, as the api writes it (SECRETS_KEY of test/support/workers.ts). */
export const seal = async (secret: string, aad: string) =>
  sealSecret(await keyringFrom(dispatchEnv.SECRETS_KEY), secret, aad);

/** A job row as the api's trigger writes it (its callback secret sealed). */
export async function createJob(
  tenantId: string,
  options: { status?: string; modelType?: string; start?: string; end?: string; createdAt?: string } = {},
): Promise<TestJob> {
  const id = crypto.randomUUID();
  const secret = `secret-${crypto.randomUUID()}`;
  const now = options.createdAt ?? new Date().toISOString();
  await dispatchEnv.DB.prepare(
    `INSERT INTO training_jobs (id, tenant_id, model_type, status, hyperparameters, data_range, total_epochs, callback_secret, estimated_duration_minutes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 3, ?, 1, ?, ?)`,
  )
    .bind(
      id,
      tenantId,
      options.modelType ?? "matrix_factorization",
      options.status ?? "queued",
      JSON.stringify({ factors: 8, iterations: 3, regularization: 1, alpha: 2, cg_steps: 3, seed: 1 }),
      JSON.stringify({ start_date: options.start ?? "2026-11-01", end_date: options.end ?? "2026-11-30" }),
      await seal(secret, sealedFor.job(id)),
      now,
      now,
    )
    .run();
  return { id, tenantId, secret };
}

/**
 * A Parquet part (any bytes do while it is alone on its day: the dispatcher merges only days
 * with several parts) and its entry in the tenant's catalogue object, as the ingest consumer
 * adds it.
 */
export async function addTrainingFile(tenantId: string, date: string, name = "part-0001"): Promise<string> {
  const key = `tenants/${tenantId}/training_data/${date}/${name}.parquet`;
  const body = `PAR1 ${tenantId} ${date} ${name}`;
  await dispatchEnv.DATA.put(key, body);
  await catalogOf(dispatchEnv, tenantId).addParts(tenantId, [{ key, date, rows: 10, bytes: body.length }]);
  return key;
}

export const job = async (id: string) =>
  (await dispatchEnv.DB.prepare("SELECT * FROM training_jobs WHERE id = ?").bind(id).first<Record<string, unknown>>())!;

export const versionsOf = async (tenantId: string) =>
  (
    await dispatchEnv.DB.prepare("SELECT * FROM model_versions WHERE tenant_id = ?")
      .bind(tenantId)
      .all<Record<string, unknown>>()
  ).results;

export function request(path: string, init: RequestInit = {}, handlerEnv: DispatchEnv = dispatchEnv) {
  const req = new Request(`https://api.edge-ml.test${path}`, init) as Request<unknown, IncomingRequestCfProperties>;
  return worker.fetch(req, handlerEnv);
}

/** A trainer callback, signed with `secret` (the job's own unless a test forges one). */
export async function callback(
  target: TestJob,
  body: Record<string, unknown>,
  options: { secret?: string; t?: number; signature?: string } = {},
) {
  const raw = JSON.stringify({ job_id: target.id, ...body });
  const signature = options.signature ?? (await signPayload(options.secret ?? target.secret, raw, options.t));
  return request(`/trainer/jobs/${target.id}/callbacks`, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
    body: raw,
  });
}

/** Delivers messages to the real queue handler as the Queues runtime would. */
export async function deliver(queue: string, bodies: unknown[], handlerEnv: DispatchEnv = dispatchEnv, attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  // The retry delays each message asked for (getQueueResult reports only which were retried).
  const delays: (number | undefined)[] = [];
  const recording = {
    queue: batch.queue,
    messages: batch.messages.map((m) => ({
      get id() {
        return m.id;
      },
      get timestamp() {
        return m.timestamp;
      },
      get body() {
        return m.body;
      },
      get attempts() {
        return m.attempts;
      },
      ack: () => m.ack(),
      retry: (o?: QueueRetryOptions) => {
        delays.push(o?.delaySeconds);
        m.retry(o);
      },
    })),
    ackAll: () => batch.ackAll(),
    retryAll: (o?: QueueRetryOptions) => batch.retryAll(o),
  };
  const ctx = createExecutionContext();
  await worker.queue(recording as unknown as MessageBatch<unknown>, handlerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    acked: result.explicitAcks.length,
    retried: result.retryMessages.map((r, i) => ({ ...r, delaySeconds: delays[i] })),
  };
}
