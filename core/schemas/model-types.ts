import { z } from "@hono/zod-openapi";

/** The model types and kinds the platform knows, and the job statuses (platform-api.md, classifier-api.md). */
/**
 * The contract's three, and two beyond it (docs/decisions.md "A second model family"):
 * `item_to_item` (EASE or cosine item-kNN, each item's top-N neighbours) and `auto` (trains the
 * candidate families, keeps the best on validation; its version takes the winner's type).
 */
export const MODEL_TYPES = ["matrix_factorization", "two_tower", "gnn", "item_to_item", "auto"] as const;
export type ModelType = (typeof MODEL_TYPES)[number];
/**
 * Every model type a training job can have: the recommender's (the platform trigger's enum) and
 * `classifier`, which only POST /api/v1/model/train creates (docs/decisions.md "Text classification").
 */
export const JOB_MODEL_TYPES = [...MODEL_TYPES, "classifier"] as const;
export type JobModelType = (typeof JOB_MODEL_TYPES)[number];
/** What the Node trainer (trainer/) runs. */
export const NODE_TRAINER_MODEL_TYPES: readonly JobModelType[] = [
  "matrix_factorization",
  "item_to_item",
  "auto",
  "classifier",
];
/** What the GPU trainer (trainer-gpu/, PyTorch) runs. */
export const GPU_TRAINER_MODEL_TYPES: readonly JobModelType[] = ["two_tower", "gnn"];

export const MODEL_KINDS = ["recommender", "classifier"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const ModelKindSchema = z.enum(MODEL_KINDS, { error: `kind must be one of ${MODEL_KINDS.join(", ")}` });

/** `classifier` jobs train a classifier; every other model type a recommender. */
export function kindOfModelType(type: JobModelType): ModelKind {
  return type === "classifier" ? "classifier" : "recommender";
}

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JobStatusSchema = z.enum(JOB_STATUSES);

/** Longest data range one job may read, in whole UTC days; the default when none is given. */
export const MAX_DATA_RANGE_DAYS = 366;
export const DEFAULT_DATA_RANGE_DAYS = 90;
