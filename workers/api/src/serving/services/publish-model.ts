import { vectorIdFor } from "@edge-ml/core/vector/indexes";
import { vectorIndexFor } from "../../../../shared/vector/index-for";
import { ApiError } from "@edge-ml/core/errors";
import { artifactKey, manifestSpec, MissingArtifactError, readManifest, TOWER_MODEL_TYPES } from "./trained-model";
import { ARTIFACTS } from "@edge-ml/core/training/contract";

/** Rows per upsert (Vectorize's batch limit from a Worker). */
const BATCH = 1000;

/**
 * Writes a trained factor model's item factors into its own index (one per version), with
 * each item's category for filters. Runs before a deploy switches serving to the version,
 * so serving never meets a half-written index; safe to repeat (upserts by id). Returns the
 * number of items written.
 */
export async function publishItemFactors(
  env: ApiEnv,
  tenantId: string,
  version: string,
  prefix: string,
): Promise<number> {
  const refuse = (why: string) =>
    new ApiError("conflict", `Version ${version} cannot be deployed: ${why}`, { field: "version", reason: why });
  const manifest = await readManifest(env.DATA, prefix).catch((e: unknown) => {
    throw e instanceof MissingArtifactError ? refuse(e.message) : e;
  });
  if (manifest.model_type === "item_to_item") {
    // Served from its neighbour lists (trained-model.ts): nothing to index, only to check.
    if (!(await env.DATA.head(artifactKey(prefix, ARTIFACTS.neighbours))))
      throw refuse("its artifact neighbours.bin is missing");
    return 0;
  }
  // What serves a user beside the item factors: ALS's Gram matrix (fold-in), or the user tower.
  const userSide = TOWER_MODEL_TYPES.includes(manifest.model_type) ? ARTIFACTS.userTower : ARTIFACTS.gram;
  const [obj, side] = await Promise.all([
    env.DATA.get(artifactKey(prefix, ARTIFACTS.itemFactors)),
    env.DATA.head(artifactKey(prefix, userSide)),
  ]);
  if (!obj) throw refuse("its artifact item_factors.f32 is missing");
  if (!side) throw refuse(`its artifact ${userSide} is missing`);
  const factors = new Float32Array(await obj.arrayBuffer());
  const k = manifest.factors;
  if (factors.length !== manifest.items.length * k) throw refuse("item_factors.f32 does not match model.json");
  const index = vectorIndexFor(env, tenantId, manifestSpec(version, manifest));
  for (let start = 0; start < manifest.items.length; start += BATCH) {
    const ids = manifest.items.slice(start, start + BATCH);
    const { results } = await env.DB.prepare(
      `SELECT item_id, category FROM items WHERE tenant_id = ?1 AND item_id IN (SELECT value FROM json_each(?2))`,
    )
      .bind(tenantId, JSON.stringify(ids))
      .all<{ item_id: string; category: string | null }>();
    const category = new Map(results.map((r) => [r.item_id, r.category]));
    const records = await Promise.all(
      ids.map(async (itemId, i) => {
        const c = category.get(itemId);
        return {
          id: await vectorIdFor(itemId),
          values: factors.subarray((start + i) * k, (start + i + 1) * k),
          metadata: { item_id: itemId, model_version: version, ...(c ? { category: c } : {}) },
        };
      }),
    );
    await index.upsert(records);
  }
  return manifest.items.length;
}
