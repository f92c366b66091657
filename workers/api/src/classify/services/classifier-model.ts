import { decodeClassifier } from "@edge-ml/core/classify";
import { ApiError } from "@edge-ml/core/errors";
import { ARTIFACTS } from "@edge-ml/core/training/contract";
import { stringBytes, TtlCache } from "../../lib/ttl-cache";
import { artifactKey } from "../../serving/services/trained-model";

/**
 * The classifier serving uses, per isolate (docs/decisions.md "Per-isolate memory budgets"):
 * the production version of a tenant for 5 s, each loaded version for a day within a 12 MiB
 * budget (a 41-label model of 2^16 buckets is ~10.8 MiB of Float32 weights: one fits). Values are
 * cached once read, never promises (see the same page).
 */
export type Classifier = ReturnType<typeof decodeClassifier>;
export type LoadedClassifier = { version: string; model: Classifier; bytes: number };
type VersionRow = { version: string; prefix: string } | null;

const production = new TtlCache<string, VersionRow>(1_000, 5_000, {
  maxBytes: 512 * 1024,
  sizeOf: (k, v) => stringBytes(k) + (v ? stringBytes(v.version) + stringBytes(v.prefix) : 0) + 128,
});
const loaded = new TtlCache<string, LoadedClassifier>(4, 24 * 3600_000, {
  maxBytes: 12 * 1024 * 1024,
  sizeOf: (k, v) => stringBytes(k) + v.bytes,
});
let forgets = 0;

/** After a deploy: this isolate reads the production version again on the next request. */
export function forgetProductionClassifier(tenantId: string): void {
  forgets++;
  production.delete(tenantId);
}

export const noClassifier = () =>
  new ApiError(
    "unavailable",
    "No classifier is deployed for this tenant: upload labelled examples (POST /api/v1/model/training-data), " +
      "train (POST /api/v1/model/train) and deploy a classifier version",
    { reason: "no_classifier_deployed" },
  );

async function productionRow(db: D1Database, tenantId: string): Promise<VersionRow> {
  let row = production.get(tenantId);
  if (row === undefined) {
    const before = forgets;
    row = await db
      .prepare(
        `SELECT version, artifact_prefix AS prefix FROM model_versions
         WHERE tenant_id = ?1 AND kind = 'classifier' AND is_production = 1`,
      )
      .bind(tenantId)
      .first<{ version: string; prefix: string }>();
    if (forgets === before) production.set(tenantId, row);
  }
  return row;
}

/** The tenant's production classifier; 503 SERVICE_UNAVAILABLE when none is deployed. */
export async function productionClassifier(
  env: Pick<ApiEnv, "DB" | "DATA">,
  tenantId: string,
): Promise<LoadedClassifier> {
  const row = await productionRow(env.DB, tenantId);
  if (!row) throw noClassifier();
  return loadVersion(env.DATA, tenantId, row.version, row.prefix);
}

const named = new TtlCache<string, VersionRow>(1_000, 5_000, {
  maxBytes: 512 * 1024,
  sizeOf: (k, v) => stringBytes(k) + (v ? stringBytes(v.version) + stringBytes(v.prefix) : 0) + 128,
});

/**
 * A named classifier version of the tenant (an experiment variant's `classifier_version`);
 * 503 SERVICE_UNAVAILABLE when it is gone (experiment creation checked that it existed).
 */
export async function classifierVersion(
  env: Pick<ApiEnv, "DB" | "DATA">,
  tenantId: string,
  version: string,
): Promise<LoadedClassifier> {
  const key = `${tenantId}:${version}`;
  let row = named.get(key);
  if (row === undefined) {
    row = await env.DB.prepare(
      `SELECT version, artifact_prefix AS prefix FROM model_versions
       WHERE tenant_id = ?1 AND kind = 'classifier' AND version = ?2`,
    )
      .bind(tenantId, version)
      .first<{ version: string; prefix: string }>();
    named.set(key, row);
  }
  if (!row) {
    throw new ApiError("unavailable", `Classifier version ${version}, named by a running experiment, does not exist`, {
      reason: "experiment_classifier_missing",
    });
  }
  return loadVersion(env.DATA, tenantId, row.version, row.prefix);
}

/** A version's model from its artifact, once per isolate. */
export async function loadVersion(
  bucket: R2Bucket,
  tenantId: string,
  version: string,
  prefix: string,
): Promise<LoadedClassifier> {
  const key = `${tenantId}:${version}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const obj = await bucket.get(artifactKey(prefix, ARTIFACTS.classifier));
  if (!obj) {
    throw new ApiError(
      "unavailable",
      `Classifier ${version} cannot be served: its artifact ${ARTIFACTS.classifier} is missing`,
      {
        version,
      },
    );
  }
  const bytes = new Uint8Array(await obj.arrayBuffer());
  const value = { version, model: decodeClassifier(bytes), bytes: bytes.byteLength };
  loaded.set(key, value);
  return value;
}
