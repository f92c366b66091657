import type { TrainingJobRow as TrainingJob } from "../db/schema/training";

/**
 * The trainer contract (docs/trainer-contract.md) as types and names, shared by the
 * dispatcher (workers/trainer-dispatch) and the reference trainer (trainer/src).
 */

/** Where the trainer takes jobs (section 1): `POST {TRAINER_URL}/jobs`. */
export const TRAINER_JOBS_PATH = "/jobs";

/** One entry of the job spec's `data.files`. */
export type JobSpecFile = { url: string; row_count: number; size_bytes: number };

/** The job spec of section 1. */
export type JobSpec = {
  job_id: string;
  tenant_id: string;
  model_type: string;
  hyperparameters: Record<string, number>;
  total_epochs?: number;
  data: { files: JobSpecFile[] };
  callback: { url: string; secret: string };
  /** Holds `{name}`, replaced by each artifact's name. */
  artifacts: { url: string };
  heartbeat_seconds: number;
  /** A classifier job's label set (core/classify): the categories its head predicts, in order. */
  labels?: string[];
  /**
   * Set on an `auto` job's GPU candidate (docs/trainer-contract.md section 8): also fit on the
   * Node trainer's validation split and report validation_ndcg_at_10, which selection compares.
   */
  validate?: boolean;
};

/** Callback types of section 3; any of them is a heartbeat. */
export const CALLBACK_TYPES = ["started", "progress", "heartbeat", "completed", "failed"] as const;
export type CallbackType = (typeof CALLBACK_TYPES)[number];

/** A callback body of section 3: the fields beside `type` depend on it (all optional on the wire). */
export type CallbackBody = {
  job_id: string;
  seq: number;
  type: CallbackType;
  progress?: number;
  epoch?: number;
  total_epochs?: number;
  metrics?: Record<string, number>;
  artifacts?: string[];
  error?: string;
  tuning?: Record<string, unknown>;
};

/** Artifact names (section 5). */
export const ARTIFACTS = {
  manifest: "model.json",
  itemFactors: "item_factors.f32",
  gram: "gram.f64",
  neighbours: "neighbours.bin",
  /** The text classifier's weights (core/classify/artifact.ts). */
  classifier: "classifier.bin",
  /** two_tower and gnn: the user tower the edge runs over a user's history (core/ml/user-tower.ts). */
  userTower: "user_tower.f32",
} as const;

/** What each model family needs at the edge: a completion without them fails the job. */
export const REQUIRED_ARTIFACTS: Readonly<Record<string, readonly string[]>> = {
  matrix_factorization: [ARTIFACTS.manifest, ARTIFACTS.itemFactors, ARTIFACTS.gram],
  item_to_item: [ARTIFACTS.manifest, ARTIFACTS.neighbours],
  classifier: [ARTIFACTS.manifest, ARTIFACTS.classifier],
  two_tower: [ARTIFACTS.manifest, ARTIFACTS.itemFactors, ARTIFACTS.userTower],
  gnn: [ARTIFACTS.manifest, ARTIFACTS.itemFactors, ARTIFACTS.userTower],
};

/** Artifact names a trainer may upload (section 2). */
export const ARTIFACT_NAME = /^(?!\.{1,2}$)[a-z0-9_.-]{1,64}$/;

/** The paths the dispatcher serves the trainer, under the api's public URL (section 2). */
export const trainerPaths = (jobId: string) => {
  const job = `/trainer/jobs/${jobId}`;
  return {
    data: (date: string, name: string) => `${job}/data/${date}/${name}`,
    /** The artifacts folder: the scope of the upload signature. */
    artifacts: `${job}/artifacts/`,
    callbacks: `${job}/callbacks`,
  };
};

const VERSION_PREFIXES: Readonly<Record<string, string>> = {
  matrix_factorization: "mf",
  two_tower: "tt",
  gnn: "gnn",
  item_to_item: "i2i",
  auto: "auto",
};

/**
 * The model version a job's artifacts belong to, fixed by the job itself (creation time and
 * id), so dispatch, uploads and the completed callback agree without storing it early:
 * `mf-YYYYMMDD-HHMMSS-<4 hex of the job id>` (i2i-, auto-, tt-, gnn- for the other types).
 */
export function versionFor(job: Pick<TrainingJob, "id" | "modelType" | "createdAt">): string {
  const prefix = VERSION_PREFIXES[job.modelType] ?? "m";
  const t = job.createdAt.replace(/[-:]/g, "");
  return `${prefix}-${t.slice(0, 8)}-${t.slice(9, 15)}-${job.id.replace(/-/g, "").slice(0, 4).toLowerCase()}`;
}

/** Where the job's artifacts are stored in R2: `tenants/{tenant}/models/{version}/`. */
export function artifactPrefix(job: Pick<TrainingJob, "id" | "tenantId" | "modelType" | "createdAt">): string {
  return `tenants/${job.tenantId}/models/${versionFor(job)}/`;
}
