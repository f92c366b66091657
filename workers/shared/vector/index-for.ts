import { ApiError } from "@edge-ml/core/errors";
import type { IndexSpec } from "@edge-ml/core/vector/indexes";
import type { VectorIndex } from "@edge-ml/core/vector/types";
import type { VectorIndexObject } from "../objects/vector-index";
import { LocalVectorIndex } from "./local-index";
import { VectorizeTenantIndex } from "./vectorize-index";

/** What choosing a vector backend needs; both the api and the ingest worker bind it. */
export type VectorBackendEnv = {
  VECTOR_BACKEND: string;
  // The api sees the ingest worker's class untyped; the ingest worker sees it typed.
  VECTOR_INDEX: DurableObjectNamespace | DurableObjectNamespace<VectorIndexObject>;
  // Absent under `npm start`, which runs without the production-only bindings (scripts/lib/local-configs.ts).
  VECTORIZE_TEXT?: VectorizeIndex;
};

/**
 * The tenant's vector index `spec`, from the backend the configuration names
 * (`VECTOR_BACKEND`): the project's Durable Object index locally, Vectorize in production.
 * Callers see one interface and never know which.
 */
export function vectorIndexFor(env: VectorBackendEnv, tenantId: string, spec: IndexSpec): VectorIndex {
  if (env.VECTOR_BACKEND === "vectorize") {
    const binding = vectorizeBinding(env, spec);
    // `wrangler types` names the binding VectorizeIndex (v1); indexes created today are v2 (`Vectorize`).
    return new VectorizeTenantIndex(binding as unknown as Vectorize, tenantId, spec);
  }
  if (env.VECTOR_BACKEND !== "local") {
    throw new Error(`VECTOR_BACKEND must be "local" or "vectorize", not "${env.VECTOR_BACKEND}"`);
  }
  return new LocalVectorIndex(env.VECTOR_INDEX, tenantId, spec);
}

function vectorizeBinding(env: VectorBackendEnv, spec: IndexSpec): VectorizeIndex {
  if (spec.name === "text" && env.VECTORIZE_TEXT) return env.VECTORIZE_TEXT;
  if (spec.name === "text") {
    throw new ApiError(
      "unavailable",
      'VECTOR_BACKEND is "vectorize" but this worker has no [[vectorize]] binding VECTORIZE_TEXT',
    );
  }
  // A configuration gap, not a crash: callers answer 503 with this sentence.
  throw new ApiError(
    "unavailable",
    `No Vectorize index is bound for the ${spec.name} vectors; trained models' factors are served by VECTOR_BACKEND = "local" only for now`,
  );
}
