import { errors } from "@edge-ml/core/errors";
import type { FoldInModel } from "@edge-ml/core/ml/fold-in";
import { decodeItemToItem, type ItemToItemModel } from "@edge-ml/core/ml/item-to-item";
import { decodeUserTower, type UserTower } from "@edge-ml/core/ml/user-tower";
import { modelIndexSpec, type IndexSpec } from "@edge-ml/core/vector/indexes";
import { shardMaxRows } from "@edge-ml/core/vector/shards";
import { OBJECT_BYTES, slotBytes, stringBytes, stringsBytes, TtlCache, typedArrayBytes } from "../../lib/ttl-cache";
import { ARTIFACTS } from "@edge-ml/core/training/contract";

/**
 * A deployed recommender as serving uses it: the version, the fold-in parameters and Gram
 * matrix (artifacts `model.json` and `gram.f64`, docs/trainer-contract.md), and the index
 * holding its item factors. Item factors themselves stay in the index: a catalogue's
 * factors can outgrow an isolate, the k x k Gram never does.
 */
export type TrainedRecommender = FactorRecommender | ItemToItemRecommender | TowerRecommender;

/** Model types served by a user tower over item vectors in the index (the GPU trainer's). */
export const TOWER_MODEL_TYPES: readonly string[] = ["two_tower", "gnn"];

/**
 * A two_tower or gnn version: its item vectors in the index (as a factor model's) and the user
 * tower (artifact user_tower.f32, d x d + d floats) the edge runs over a user's history.
 */
export type TowerRecommender = {
  kind: "tower";
  version: string;
  spec: IndexSpec;
  tower: UserTower;
};

export type FactorRecommender = {
  kind: "factors";
  version: string;
  spec: IndexSpec;
  foldIn: Pick<FoldInModel, "gram" | "params">;
};

/**
 * An item_to_item version: each item's top-N neighbour weights (artifact neighbours.bin,
 * nItems x N x 8 bytes, at most 20 MB by the trainer's catalogue limit), held by the isolate;
 * a user's scores are the votes of everything they liked (core/ml/item-to-item.ts).
 */
export type ItemToItemRecommender = {
  kind: "item_to_item";
  version: string;
  items: string[];
  position: Map<string, number>;
  model: ItemToItemModel;
};

export type ModelManifest = {
  model_type: string;
  factors: number;
  regularization: number;
  alpha: number;
  items: string[];
  params?: { frequencyScaling?: number };
};

/** How long an isolate trusts its idea of the production version: a deploy reaches every isolate within this. */
export const ACTIVE_VERSION_TTL_MS = 5_000;
/**
 * Both caches hold values, not the reads' promises: workerd refuses to let one request wait
 * on I/O that another request started ("Cannot perform I/O on behalf of a different
 * request", user-pairs.ts), so concurrent first reads in an isolate each read for themselves.
 */
type ActiveVersion = { version: string; prefix: string } | null;
const activeVersions = new TtlCache<string, ActiveVersion>(1000, ACTIVE_VERSION_TTL_MS, {
  maxBytes: 512 << 10,
  sizeOf: (tenantId, v) =>
    slotBytes(tenantId) + OBJECT_BYTES + stringBytes(v?.version ?? "") + stringBytes(v?.prefix ?? ""),
});
/**
 * Versions are immutable, so their artifacts are cached until evicted. 32 MiB holds the
 * largest item_to_item model (50,000 items: 20 MB of neighbours, ~7 MB of ids and positions).
 */
const loaded = new TtlCache<string, TrainedRecommender>(32, 24 * 3600_000, {
  maxBytes: 32 << 20,
  sizeOf: recommenderBytes,
});

function recommenderBytes(key: string, r: TrainedRecommender): number {
  if (r.kind === "factors") return slotBytes(key) + 4 * OBJECT_BYTES + typedArrayBytes(r.foldIn.gram);
  if (r.kind === "tower")
    return slotBytes(key) + 4 * OBJECT_BYTES + typedArrayBytes(r.tower.w) + typedArrayBytes(r.tower.b);
  // The ids, and a Map slot (~2 objects) per id for their positions.
  const ids = stringsBytes(r.items) + r.items.length * 2 * OBJECT_BYTES;
  return slotBytes(key) + 4 * OBJECT_BYTES + ids + typedArrayBytes(r.model.index) + typedArrayBytes(r.model.weight);
}

/**
 * Bumped by every forget: a read that was in flight across a deploy must not cache what it
 * read from before the deploy (the promise cache got that by the forget dropping the promise).
 */
let forgets = 0;

/** A deploy in this isolate is seen at once (others see it within ACTIVE_VERSION_TTL_MS). */
export function forgetProductionVersion(tenantId: string): void {
  forgets++;
  activeVersions.delete(tenantId);
}

export function manifestSpec(version: string, manifest: ModelManifest): IndexSpec {
  return modelIndexSpec(version, manifest.factors, manifest.items.length, shardMaxRows(manifest.factors));
}

/**
 * The tenant's production recommender, or undefined before one is deployed. One indexed D1
 * read per tenant per 5 s per isolate; the artifacts once per version per isolate.
 */
export async function productionRecommender(
  db: D1Database,
  bucket: R2Bucket,
  tenantId: string,
): Promise<TrainedRecommender | undefined> {
  let row = activeVersions.get(tenantId);
  if (row === undefined) {
    const before = forgets;
    row = await db
      .prepare(
        `SELECT version, artifact_prefix AS prefix FROM model_versions
         WHERE tenant_id = ?1 AND kind = 'recommender' AND is_production = 1`,
      )
      .bind(tenantId)
      .first<{ version: string; prefix: string }>();
    if (forgets === before) activeVersions.set(tenantId, row);
  }
  if (!row) return undefined;
  const key = `${tenantId}:${row.version}`;
  let model = loaded.get(key);
  if (!model) {
    // A failed load throws before anything is cached.
    model = await loadRecommender(bucket, row.version, row.prefix);
    loaded.set(key, model);
  }
  return model;
}

/**
 * A named recommender version of the tenant, production or not (an experiment's variant, a
 * shadow candidate); 404 when the tenant has no such version. Its artifacts are cached as
 * production's are; the prefix read is one indexed D1 row until they are.
 */
export async function recommenderVersion(
  db: D1Database,
  bucket: R2Bucket,
  tenantId: string,
  version: string,
): Promise<TrainedRecommender> {
  const key = `${tenantId}:${version}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const row = await db
    .prepare(
      `SELECT artifact_prefix AS prefix FROM model_versions WHERE tenant_id = ?1 AND kind = 'recommender' AND version = ?2`,
    )
    .bind(tenantId, version)
    .first<{ prefix: string }>();
  if (!row) throw errors.notFound(`Recommender version ${version}`);
  const model = await loadRecommender(bucket, version, row.prefix);
  loaded.set(key, model);
  return model;
}

/** `{prefix}/{name}`, whether or not the stored prefix ends with a slash. */
export const artifactKey = (prefix: string, name: string) => `${prefix.replace(/\/+$/, "")}/${name}`;

export class MissingArtifactError extends Error {}

export async function readManifest(bucket: R2Bucket, prefix: string): Promise<ModelManifest> {
  const obj = await bucket.get(artifactKey(prefix, ARTIFACTS.manifest));
  if (!obj) throw new MissingArtifactError(`its artifact model.json is missing`);
  return (await obj.json()) as ModelManifest;
}

async function loadRecommender(bucket: R2Bucket, version: string, prefix: string): Promise<TrainedRecommender> {
  const manifest = await readManifest(bucket, prefix);
  if (manifest.model_type === "item_to_item") {
    const obj = await bucket.get(artifactKey(prefix, ARTIFACTS.neighbours));
    if (!obj) throw new MissingArtifactError(`its artifact neighbours.bin is missing`);
    const model = decodeItemToItem(new Uint8Array(await obj.arrayBuffer()), manifest.items.length);
    return {
      kind: "item_to_item",
      version,
      items: manifest.items,
      position: new Map(manifest.items.map((id, i) => [id, i])),
      model,
    };
  }
  if (TOWER_MODEL_TYPES.includes(manifest.model_type)) {
    const obj = await bucket.get(artifactKey(prefix, ARTIFACTS.userTower));
    if (!obj) throw new MissingArtifactError(`its artifact user_tower.f32 is missing`);
    const tower = decodeUserTower(await obj.arrayBuffer(), manifest.factors);
    return { kind: "tower", version, spec: manifestSpec(version, manifest), tower };
  }
  const gramObj = await bucket.get(artifactKey(prefix, ARTIFACTS.gram));
  if (!gramObj) throw new MissingArtifactError(`its artifact gram.f64 is missing`);
  const gram = new Float64Array(await gramObj.arrayBuffer());
  if (gram.length !== manifest.factors * manifest.factors) throw new Error(`gram.f64 of ${version} has the wrong size`);
  return {
    kind: "factors",
    version,
    spec: manifestSpec(version, manifest),
    foldIn: {
      gram,
      params: {
        factors: manifest.factors,
        regularization: manifest.regularization,
        alpha: manifest.alpha,
        frequencyScaling: manifest.params?.frequencyScaling ?? 0,
      },
    },
  };
}
