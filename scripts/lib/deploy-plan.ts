import { WORKERS } from "./workers";
import { DeployRefusal } from "./deploy-wrangler";
import { readConfig, type RawConfig } from "./wrangler-config";

/**
 * What `npm run deploy` provisions, read from the three wrangler configs themselves (with
 * wrangler's own parser, so TOML is read exactly as `wrangler deploy` reads it): a queue,
 * bucket or index added to a config is created by the next deploy without touching this file.
 */

export type WorkerPlan = { name: string; config: string; typesFile: string; raw: RawConfig };

/**
 * How to create each Vectorize index, by the binding that reads it. The text index takes its
 * size from the encoder its worker names (`--preset` sets bge's dimensions and cosine). The
 * metadata indexes are the fields the code needs back from a query or filters on:
 * `_id` (the tenant's item id, workers/shared/vector/vectorize-index.ts returns "indexed"
 * metadata only), `item_id` (serving/services/item-vectors.ts), `category`
 * (serving/services/recommender.ts filters `{ category: { $in } }`). Vectorize filters only
 * on indexed fields, and only on vectors written after the index exists: hence before deploy.
 */
const VECTOR_INDEXES: Record<string, { flags: (vars: Record<string, unknown>) => string[]; metadata: string[] }> = {
  VECTORIZE_TEXT: {
    flags: (vars) => [`--preset=${String(vars.TEXT_ENCODER_MODEL ?? "@cf/baai/bge-small-en-v1.5")}`],
    metadata: ["_id", "item_id", "category"],
  },
};

export type VectorIndexPlan = { name: string; flags: string[]; metadata: string[] };

export type Plan = {
  /** Every queue a config produces to, consumes or dead-letters to. */
  queues: string[];
  databases: { name: string; binding: string; config: string; migrations: boolean }[];
  buckets: string[];
  vectorIndexes: VectorIndexPlan[];
  /** In deploy order: a worker after every worker whose objects or service it binds. */
  workers: WorkerPlan[];
};

export function readPlan(): Plan {
  const workers = WORKERS.map((w) => ({
    name: w.name,
    config: w.config,
    typesFile: w.typesFile,
    raw: readConfig(w.config),
  }));
  const unique = <T>(xs: T[]) => [...new Set(xs)];
  const queues = unique(
    workers.flatMap(({ raw }) => [
      ...(raw.queues?.producers ?? []).map((p) => p.queue),
      ...(raw.queues?.consumers ?? []).flatMap((c) => [c.queue, ...(c.dead_letter_queue ? [c.dead_letter_queue] : [])]),
    ]),
  );
  const databases: Plan["databases"] = [];
  for (const w of workers) {
    for (const d of w.raw.d1_databases ?? []) {
      if (databases.some((x) => x.name === d.database_name)) continue;
      databases.push({ name: d.database_name, binding: d.binding, config: w.config, migrations: !!d.migrations_dir });
    }
  }
  const buckets = unique(workers.flatMap(({ raw }) => (raw.r2_buckets ?? []).map((b) => b.bucket_name)));
  const vectorIndexes: VectorIndexPlan[] = [];
  for (const { raw, config } of workers) {
    for (const v of raw.vectorize ?? []) {
      if (vectorIndexes.some((x) => x.name === v.index_name)) continue;
      const how = VECTOR_INDEXES[v.binding];
      if (!how)
        throw new DeployRefusal(
          `${config}: no creation rule for Vectorize binding ${v.binding} in scripts/lib/deploy-plan.ts`,
        );
      vectorIndexes.push({ name: v.index_name, flags: how.flags(raw.vars ?? {}), metadata: how.metadata });
    }
  }
  return { queues, databases, buckets, vectorIndexes, workers: deployOrder(workers) };
}

/** The other workers `raw` binds: Durable Objects of another script, and service bindings. */
export function dependencies(raw: RawConfig): string[] {
  const objects = (raw.durable_objects?.bindings ?? []).flatMap((b) => (b.script_name ? [b.script_name] : []));
  const services = (raw.services ?? []).map((s) => s.service);
  return [...new Set([...objects, ...services])].filter((n) => n !== raw.name);
}

/**
 * A deploy fails when a binding names a script that does not exist yet, so each worker goes
 * after the ones it binds (ingest, trainer-dispatch, api today). Queues are no dependency:
 * they exist before any worker is deployed.
 */
export function deployOrder(workers: WorkerPlan[]): WorkerPlan[] {
  const done: WorkerPlan[] = [];
  const visit = (w: WorkerPlan, path: string[]) => {
    if (done.includes(w)) return;
    if (path.includes(w.raw.name))
      throw new DeployRefusal(`workers bind each other in a cycle: ${[...path, w.raw.name].join(" -> ")}`);
    for (const dep of dependencies(w.raw)) {
      const target = workers.find((x) => x.raw.name === dep);
      if (target) visit(target, [...path, w.raw.name]);
    }
    done.push(w);
  };
  for (const w of workers) visit(w, []);
  return done;
}
