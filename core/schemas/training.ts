import { z } from "@hono/zod-openapi";
import { ALS_DEFAULTS, validateAlsParams, type AlsParams } from "../ml/als";
import { IsoDateTime, paginationQuery, Uuid } from "./common";

/**
 * Training jobs, the model registry and webhooks: platform-api.md section 1 ("Trigger Model
 * Training") and classifier-api.md ("Model Management Endpoints", "Webhooks"). The trigger
 * validates everything here, so a job that reaches the queue always has a runnable spec.
 */

export const MODEL_TYPES = ["matrix_factorization", "two_tower", "gnn"] as const;
export type ModelType = (typeof MODEL_TYPES)[number];
/** Model types the trainer can run today; the others are accepted names whose jobs fail at once. */
export const SUPPORTED_MODEL_TYPES: readonly ModelType[] = ["matrix_factorization"];

export const MODEL_KINDS = ["recommender", "classifier"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const ModelKindSchema = z.enum(MODEL_KINDS, { error: `kind must be one of ${MODEL_KINDS.join(", ")}` });

/** Every model type of `training_jobs` trains a recommender. */
export function kindOfModelType(_type: ModelType): ModelKind {
  return "recommender";
}

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JobStatusSchema = z.enum(JOB_STATUSES);

/** Longest data range one job may read, in whole UTC days; the default when none is given. */
export const MAX_DATA_RANGE_DAYS = 366;
export const DEFAULT_DATA_RANGE_DAYS = 90;

// ---------------------------------------------------------------------------------------------
// Hyperparameters

/** ALS's own names (docs/trainer-contract.md) -> AlsParams fields. */
const ALS_NAMES = {
  factors: "factors",
  iterations: "iterations",
  regularization: "regularization",
  alpha: "alpha",
  cg_steps: "cgSteps",
  seed: "seed",
} as const satisfies Record<string, keyof AlsParams>;
type AlsName = keyof typeof ALS_NAMES;

/** platform-api.md's generic names, accepted for matrix_factorization as aliases. */
const ALS_ALIASES = { embedding_dim: "factors", epochs: "iterations" } as const satisfies Record<string, AlsName>;

function alsNameOf(field: string): AlsName | undefined {
  if (Object.hasOwn(ALS_NAMES, field)) return field as AlsName;
  return Object.hasOwn(ALS_ALIASES, field) ? ALS_ALIASES[field as keyof typeof ALS_ALIASES] : undefined;
}

/** What the job row stores and the trainer receives for matrix_factorization (every field filled). */
export type MatrixFactorizationHyperparameters = Record<AlsName, number>;

/** Generic names for the model types that are not implemented yet (validated loosely, never run). */
const GENERIC_HYPERPARAMETERS: Record<string, { min: number; max: number; integer: boolean; exclusiveMin?: boolean }> =
  {
    embedding_dim: { min: 1, max: 4096, integer: true },
    epochs: { min: 1, max: 1000, integer: true },
    learning_rate: { min: 0, max: 10, integer: false, exclusiveMin: true },
    batch_size: { min: 1, max: 1_000_000, integer: true },
  };
const GENERIC_DEFAULT_EPOCHS = 10;

const LEARNING_RATE_MESSAGE =
  "learning_rate does not apply to matrix_factorization: ALS solves each half-step in closed form, " +
  "so there is no step size; remove it (tune regularization and alpha instead)";

export type HyperparameterIssue = { field: string; message: string };

/**
 * Checks `hp` for `modelType`; `field` is the name as the client sent it. For
 * matrix_factorization: ALS names and the contract's aliases (embedding_dim -> factors,
 * epochs -> iterations), ranges from `validateAlsParams`; learning_rate is refused.
 */
export function hyperparameterIssues(modelType: ModelType, hp: Record<string, number>): HyperparameterIssue[] {
  if (modelType !== "matrix_factorization") {
    const issues: HyperparameterIssue[] = [];
    for (const [field, v] of Object.entries(hp)) {
      const r = Object.hasOwn(GENERIC_HYPERPARAMETERS, field) ? GENERIC_HYPERPARAMETERS[field] : undefined;
      if (!r) {
        issues.push({
          field,
          message: `unknown hyperparameter for ${modelType}; allowed: ${Object.keys(GENERIC_HYPERPARAMETERS).join(", ")}`,
        });
        continue;
      }
      const range = `${r.exclusiveMin ? `> ${r.min}` : `>= ${r.min}`} and <= ${r.max}`;
      if ((r.integer && !Number.isInteger(v)) || v < r.min || v > r.max || (r.exclusiveMin && v === r.min))
        issues.push({ field, message: `must be ${r.integer ? "an integer " : ""}${range}, got ${v}` });
    }
    return issues;
  }
  const issues: HyperparameterIssue[] = [];
  const als: Record<string, unknown> = {};
  const sentAs: Record<string, string> = {};
  for (const [field, v] of Object.entries(hp)) {
    if (field === "learning_rate") {
      issues.push({ field, message: LEARNING_RATE_MESSAGE });
      continue;
    }
    const name = alsNameOf(field);
    if (!name) {
      issues.push({
        field,
        message: `unknown hyperparameter for matrix_factorization; allowed: ${[
          ...Object.keys(ALS_NAMES),
          ...Object.keys(ALS_ALIASES),
        ].join(", ")}`,
      });
      continue;
    }
    const target = ALS_NAMES[name];
    if (Object.hasOwn(als, target)) {
      issues.push({ field, message: `${field} and ${sentAs[target]} name the same hyperparameter; give one of them` });
      continue;
    }
    als[target] = v;
    sentAs[target] = field;
  }
  for (const issue of validateAlsParams(als)) {
    issues.push({ field: sentAs[issue.field] ?? issue.field, message: issue.message });
  }
  return issues;
}

/** The hyperparameters a valid request runs with: defaults filled in, ALS names for matrix_factorization. */
export function resolveHyperparameters(modelType: ModelType, hp: Record<string, number>): Record<string, number> {
  if (modelType !== "matrix_factorization") return { ...hp, epochs: hp.epochs ?? GENERIC_DEFAULT_EPOCHS };
  const out: MatrixFactorizationHyperparameters = {
    factors: ALS_DEFAULTS.factors,
    iterations: ALS_DEFAULTS.iterations,
    regularization: ALS_DEFAULTS.regularization,
    alpha: ALS_DEFAULTS.alpha,
    cg_steps: ALS_DEFAULTS.cgSteps,
    seed: ALS_DEFAULTS.seed,
  };
  for (const [field, v] of Object.entries(hp)) {
    const name = alsNameOf(field);
    if (name) out[name] = v;
  }
  return out;
}

/** Epochs a job will run (ALS iterations for matrix_factorization). */
export function totalEpochsOf(modelType: ModelType, resolved: Record<string, number>): number {
  return (modelType === "matrix_factorization" ? resolved.iterations : resolved.epochs) ?? GENERIC_DEFAULT_EPOCHS;
}

/**
 * Minutes a matrix_factorization job should take, from bench/train (docs/benchmarks.md):
 * 0.87 s per iteration per 1M interactions at 64 factors with 3 CG steps, one thread. Cost is
 * taken as linear in interactions, iterations, factors / 64 and CG steps / 3 (the exact solve,
 * cg_steps 0, measured 3.9x the default). Rounded up, at least 1 minute.
 */
export const SECONDS_PER_ITERATION_PER_MILLION = 0.9;

export function estimateDurationMinutes(rows: number, hp: Record<string, number>): number {
  const factors = hp.factors ?? ALS_DEFAULTS.factors;
  const iterations = hp.iterations ?? hp.epochs ?? ALS_DEFAULTS.iterations;
  const cgSteps = hp.cg_steps ?? ALS_DEFAULTS.cgSteps;
  const solver = cgSteps === 0 ? 3.9 : cgSteps / 3;
  const seconds = SECONDS_PER_ITERATION_PER_MILLION * (rows / 1e6) * iterations * (factors / 64) * solver;
  return Math.max(1, Math.ceil(seconds / 60));
}

// ---------------------------------------------------------------------------------------------
// Data range

const DAY_MS = 86_400_000;
const ISO_DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The UTC calendar day (YYYY-MM-DD) of an ISO 8601 date or date-time; null when it is not a real date. */
export function utcDay(value: string): string | null {
  if (!ISO_DATE_OR_DATETIME.test(value)) return null;
  if (value.length === 10) {
    const d = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value ? value : null;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** Inclusive number of days from `start` to `end` (both YYYY-MM-DD). */
export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The default range: the last DEFAULT_DATA_RANGE_DAYS UTC days, today included. */
export function defaultDataRange(now: Date): { start_date: string; end_date: string } {
  const end = now.toISOString().slice(0, 10);
  const start = new Date(Date.parse(`${end}T00:00:00Z`) - (DEFAULT_DATA_RANGE_DAYS - 1) * DAY_MS);
  return { start_date: start.toISOString().slice(0, 10), end_date: end };
}

const DateBound = (name: string) =>
  z
    .string({ error: `${name} is required and must be an ISO 8601 date or date-time` })
    .refine(
      (s) => utcDay(s) !== null,
      `${name} must be an ISO 8601 date (2026-01-31) or date-time (2026-01-31T00:00:00Z)`,
    )
    .openapi({ example: name === "start_date" ? "2026-09-01" : "2026-11-30" });

export const DataRange = z
  .object({ start_date: DateBound("start_date"), end_date: DateBound("end_date") })
  .superRefine((r, ctx) => {
    const start = utcDay(r.start_date);
    const end = utcDay(r.end_date);
    if (!start || !end) return;
    if (start > end) {
      ctx.addIssue({ code: "custom", path: ["end_date"], message: "end_date must not be before start_date" });
    } else if (daysBetween(start, end) > MAX_DATA_RANGE_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["end_date"],
        message: `data_range may span at most ${MAX_DATA_RANGE_DAYS} days, got ${daysBetween(start, end)}`,
      });
    }
  })
  .openapi("DataRange", {
    description:
      "Inclusive whole UTC days (the training data is partitioned by day): a date-time bound counts its whole UTC day. " +
      `At most ${MAX_DATA_RANGE_DAYS} days; default: the last ${DEFAULT_DATA_RANGE_DAYS} days, today included.`,
  });

// ---------------------------------------------------------------------------------------------
// Trigger (platform-api.md section 1)

const Hyperparameters = z
  .record(z.string(), z.number({ error: "a hyperparameter must be a number" }))
  .default({})
  .openapi({
    description:
      "matrix_factorization (implicit ALS): factors 1..512 (alias embedding_dim), iterations 1..100 (alias epochs), " +
      "regularization > 0, alpha >= 0, cg_steps 0..64, seed uint32; omitted ones take the defaults " +
      `(${ALS_DEFAULTS.factors}, ${ALS_DEFAULTS.iterations}, ${ALS_DEFAULTS.regularization}, ${ALS_DEFAULTS.alpha}, ` +
      `${ALS_DEFAULTS.cgSteps}, ${ALS_DEFAULTS.seed}). learning_rate is refused for ALS (there is no step size). ` +
      "two_tower and gnn: embedding_dim, epochs, learning_rate, batch_size.",
    example: { embedding_dim: 64, epochs: 15, regularization: 50, alpha: 2 },
  });

export const TrainingConfig = z
  .object({
    model_type: z.enum(MODEL_TYPES, { error: `model_type must be one of ${MODEL_TYPES.join(", ")}` }).openapi({
      description: "Only matrix_factorization runs today; two_tower and gnn jobs are created and fail at once.",
    }),
    hyperparameters: Hyperparameters,
    data_range: DataRange.optional(),
  })
  .superRefine((cfg, ctx) => {
    for (const issue of hyperparameterIssues(cfg.model_type, cfg.hyperparameters)) {
      ctx.addIssue({ code: "custom", path: ["hyperparameters", issue.field], message: issue.message });
    }
  });

export const TriggerTrainingRequest = z
  .object({ tenant_id: Uuid, training_config: TrainingConfig })
  .openapi("TriggerTrainingRequest", {
    example: {
      tenant_id: "3f6c2a9e-8d1b-4c7a-9e2f-5b8d0a1c4e7f",
      training_config: {
        model_type: "matrix_factorization",
        hyperparameters: { embedding_dim: 64, epochs: 15 },
        data_range: { start_date: "2026-09-01", end_date: "2026-11-30" },
      },
    },
  });
export type TriggerTrainingInput = z.infer<typeof TriggerTrainingRequest>;

export const TriggerTrainingResponse = z
  .object({
    job_id: z.string(),
    status: JobStatusSchema.openapi({ description: "`queued`, or `failed` when the job cannot run (see `error`)" }),
    estimated_duration_minutes: z.number().int(),
    error: z.string().nullable().openapi({ description: "Why the job failed at once; null when queued" }),
  })
  .openapi("TriggerTrainingResponse", {
    example: {
      job_id: "5d0c6f0e-2b7a-4f7e-9a51-0c3e8e1b9d42",
      status: "queued",
      estimated_duration_minutes: 1,
      error: null,
    },
  });

// ---------------------------------------------------------------------------------------------
// Job status (classifier-api.md GET /api/v1/model/train/{job_id}, plus additive fields)

export const TrainingJobStatus = z
  .object({
    training_job_id: z.string(),
    status: JobStatusSchema,
    progress: z.number().openapi({ description: "0..1" }),
    current_epoch: z.number().int(),
    total_epochs: z.number().int(),
    metrics: z.record(z.string(), z.number()).openapi({ description: "Latest metrics the trainer reported" }),
    started_at: IsoDateTime.nullable(),
    estimated_completion: IsoDateTime.nullable().openapi({
      description:
        "running: extrapolated from progress (or started_at + the estimate before the first epoch); finished: finished_at; queued: null",
    }),
    correlation_id: z.string(),
    model_type: z.enum(MODEL_TYPES),
    hyperparameters: z.record(z.string(), z.number()),
    data_range: z.object({ start_date: z.string(), end_date: z.string() }),
    history: z
      .array(z.record(z.string(), z.number()))
      .openapi({ description: "Per-epoch metrics ({ epoch, loss, ... }), for training curves" }),
    error: z.string().nullable(),
    model_version: z.string().nullable().openapi({ description: "The version registered by a completed job" }),
    estimated_duration_minutes: z.number().int(),
    created_at: IsoDateTime,
    finished_at: IsoDateTime.nullable(),
  })
  .openapi("TrainingJobStatus", {
    example: {
      training_job_id: "5d0c6f0e-2b7a-4f7e-9a51-0c3e8e1b9d42",
      status: "running",
      progress: 0.4,
      current_epoch: 6,
      total_epochs: 15,
      metrics: { loss: 1234.5, seconds: 0.87 },
      started_at: "2026-11-30T10:00:00.000Z",
      estimated_completion: "2026-11-30T10:00:13.000Z",
      correlation_id: "corr_yza567",
      model_type: "matrix_factorization",
      hyperparameters: { factors: 64, iterations: 15, regularization: 50, alpha: 2, cg_steps: 3, seed: 42 },
      data_range: { start_date: "2026-09-01", end_date: "2026-11-30" },
      history: [{ epoch: 1, loss: 2000.1, seconds: 0.9 }],
      error: null,
      model_version: null,
      estimated_duration_minutes: 1,
      created_at: "2026-11-30T09:59:58.000Z",
      finished_at: null,
    },
  });

export const JobIdParam = z.object({
  job_id: z.uuid({ error: "job_id must be a UUID" }).openapi({ param: { name: "job_id", in: "path" } }),
});

// ---------------------------------------------------------------------------------------------
// Model registry (classifier-api.md GET /api/v1/model/versions, POST /api/v1/model/deploy/{version})

export const VERSION_STATUSES = ["pending", "active", "archived"] as const;

export const VersionParam = z.object({
  version: z
    .string()
    .min(1)
    .max(64, "version must be at most 64 characters")
    .regex(/^[A-Za-z0-9._-]+$/, "version may contain only letters, digits, dots, hyphens and underscores")
    .openapi({ param: { name: "version", in: "path" }, example: "v1.2.0" }),
});

export const ListVersionsQuery = paginationQuery(10).extend({
  status: z
    .enum(VERSION_STATUSES, { error: `status must be one of ${VERSION_STATUSES.join(", ")}` })
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
  kind: ModelKindSchema.optional().openapi({
    param: { name: "kind", in: "query" },
    description: "Default: every kind",
  }),
});

export const ModelVersion = z
  .object({
    version: z.string(),
    status: z.enum(VERSION_STATUSES),
    created_at: IsoDateTime,
    metrics: z.record(z.string(), z.number()),
    training_job_id: z.string().nullable(),
    is_production: z.boolean(),
    kind: z.enum(MODEL_KINDS),
    model_type: z.string(),
    deployed_at: IsoDateTime.nullable(),
  })
  .openapi("ModelVersion");

export const ModelVersionList = z
  .object({
    versions: z.array(ModelVersion),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    correlation_id: z.string(),
  })
  .openapi("ModelVersionList", {
    example: {
      versions: [
        {
          version: "v2",
          status: "active",
          created_at: "2026-11-30T10:00:13.000Z",
          metrics: { recall_at_10: 0.346, ndcg_at_10: 0.404 },
          training_job_id: "5d0c6f0e-2b7a-4f7e-9a51-0c3e8e1b9d42",
          is_production: true,
          kind: "recommender",
          model_type: "matrix_factorization",
          deployed_at: "2026-11-30T10:05:00.000Z",
        },
      ],
      total: 1,
      limit: 10,
      offset: 0,
      correlation_id: "corr_bcd890",
    },
  });

export const DeployRequest = z
  .object({
    kind: ModelKindSchema.optional().openapi({
      description: "Needed only when the version name exists in both kinds",
    }),
  })
  .openapi("DeployRequest");

export const RollbackRequest = z.object({ kind: ModelKindSchema.default("recommender") }).openapi("RollbackRequest");

export const DeployResponse = z
  .object({
    version: z.string(),
    status: z.enum(VERSION_STATUSES).openapi({ description: "`active`: the switch is done when this answers" }),
    message: z.string(),
    previous_version: z.string().nullable(),
    correlation_id: z.string(),
    kind: z.enum(MODEL_KINDS),
    deployed_at: IsoDateTime.nullable(),
  })
  .openapi("DeployResponse", {
    example: {
      version: "v2",
      status: "active",
      message: "v2 is now the production recommender (was v1)",
      previous_version: "v1",
      correlation_id: "corr_efg123",
      kind: "recommender",
      deployed_at: "2026-11-30T10:05:00.000Z",
    },
  });

// ---------------------------------------------------------------------------------------------
// Webhooks (classifier-api.md "Webhooks")

export const WEBHOOK_EVENTS = [
  "training.started",
  "training.completed",
  "training.failed",
  "evaluation.completed",
  "model.deployed",
  "retraining.recommended",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS, {
  error: `event must be one of ${WEBHOOK_EVENTS.join(", ")}`,
});

/** Hosts that may be called over plain http, for local development only. */
const LOCAL_HTTP_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why `url` cannot be a webhook target, or null when it can. */
export function webhookUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "url must be an absolute URL";
  }
  if (u.username || u.password) return "url must not contain credentials";
  if (u.protocol === "https:") return null;
  if (u.protocol === "http:" && LOCAL_HTTP_HOSTS.has(u.hostname)) return null;
  return "url must use https (http is allowed only for 127.0.0.1 and localhost, for local development)";
}

export const CreateWebhookRequest = z
  .object({
    url: z
      .string({ error: "url is required" })
      .max(2048, "url must be at most 2048 characters")
      .superRefine((s, ctx) => {
        const problem = webhookUrlProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({ example: "https://hooks.example.com/edge-ml" }),
    events: z
      .array(WebhookEventSchema)
      .min(1, "events must not be empty")
      .max(WEBHOOK_EVENTS.length)
      .refine((e) => new Set(e).size === e.length, "events must not repeat")
      .openapi({ example: ["training.completed", "training.failed", "model.deployed"] }),
  })
  .openapi("CreateWebhookRequest");

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventSchema),
    status: z.enum(["active", "disabled"]),
    created_at: IsoDateTime,
  })
  .openapi("Webhook");

export const CreatedWebhook = Webhook.extend({
  secret: z.string().openapi({
    description:
      "Signs every delivery (X-EdgeML-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, `<t>.<body>`)>). Shown once; never listed again.",
    example: "whsec_4yJ0m9...",
  }),
}).openapi("CreatedWebhook");

export const WebhookList = z.object({ webhooks: z.array(Webhook) }).openapi("WebhookList");

export const WebhookIdParam = z.object({
  webhook_id: z.uuid({ error: "webhook_id must be a UUID" }).openapi({ param: { name: "webhook_id", in: "path" } }),
});

/** The body every delivery POSTs (classifier-api.md "Webhook Payload Example"). */
export const WebhookPayload = z
  .object({
    event: WebhookEventSchema,
    timestamp: IsoDateTime,
    data: z.record(z.string(), z.unknown()),
    correlation_id: z.string(),
  })
  .openapi("WebhookPayload");
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export function webhookPayload(
  event: WebhookEvent,
  data: Record<string, unknown>,
  correlationId: string,
  now = new Date(),
): WebhookPayload {
  return { event, timestamp: now.toISOString(), data, correlation_id: correlationId };
}

export const WebhookDelivery = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event: WebhookEventSchema,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: IsoDateTime,
    delivered_at: IsoDateTime.nullable(),
    payload: WebhookPayload,
  })
  .openapi("WebhookDelivery");

export const WebhookDeliveryList = z
  .object({
    deliveries: z.array(WebhookDelivery),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("WebhookDeliveryList");

export const DeliveriesQuery = ListVersionsQuery.pick({ limit: true, offset: true });

// ---------------------------------------------------------------------------------------------
// Queue messages (api -> workers/trainer-dispatch)

/** On `edge-ml-training`: a queued job to hand to the trainer. */
export type TrainingQueueMessage = { job_id: string; tenant_id: string };
/** On `edge-ml-webhooks`: one `webhook_deliveries` row to sign and POST. */
export type WebhookQueueMessage = { delivery_id: string };
