import { textIndexSpec } from "@edge-ml/core/vector/indexes";
import type { VectorIndex } from "@edge-ml/core/vector/types";
import { textEncoderFor, type TextBackendEnv, type TextEncoder } from "./text/encoder";
import { vectorIndexFor, type VectorBackendEnv } from "./vector/index-for";

/**
 * A tenant's text vector space: the configured encoder and the index of item vectors in its
 * dimensions. The ingest worker writes it, the api reads it; both through this function,
 * so they can never disagree on the backend.
 */
export function textSpace(
  env: VectorBackendEnv & TextBackendEnv,
  tenantId: string,
): { encoder: TextEncoder; index: VectorIndex } {
  const encoder = textEncoderFor(env, tenantId);
  return { encoder, index: vectorIndexFor(env, tenantId, textIndexSpec(encoder.dimensions)) };
}
