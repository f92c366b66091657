import { sha256Hex } from "../auth/secrets";
import { LOCAL_ENCODER_DIMENSIONS } from "../text/hashed-encoder";
import { LIMITS, type Metric } from "./types";

/**
 * The vector indexes a tenant has. Each is fixed in dimensions and metric, as a Vectorize
 * index is: item text vectors from the text encoder now; the recommendation model's item
 * factors (128-d) join with the training issue.
 */
export type IndexSpec = { name: string; dimensions: number; metric: Metric };

export const TEXT_INDEX: IndexSpec = { name: "text", dimensions: LOCAL_ENCODER_DIMENSIONS, metric: "cosine" };

/** The Durable Object that holds one tenant's index `spec` (local and deployed alike). */
export function indexObjectName(spec: IndexSpec, tenantId: string): string {
  return `vectors:${spec.name}:${tenantId}`;
}

/**
 * Vector ids are at most 64 characters (Vectorize), item ids at most 128 (section 9): a
 * longer item id is stored under `~` + 63 hex characters of its SHA-256.
 */
export async function vectorIdFor(itemId: string): Promise<string> {
  if (itemId.length <= LIMITS.maxIdLength) return itemId;
  return `~${(await sha256Hex(itemId)).slice(0, LIMITS.maxIdLength - 1)}`;
}
