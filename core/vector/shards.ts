import { indexObjectName, type IndexSpec } from "./indexes";

export { bytesPerRow, SHARD_BUDGET_BYTES, shardMaxRows };
import { bytesPerRow, SHARD_BUDGET_BYTES, shardMaxRows } from "./budget";
import { validateQuery, validateRecords } from "./validate";
import type {
  BatchQuery,
  Match,
  Metric,
  MutationResult,
  QueryOptions,
  QueryResult,
  VectorIndex,
  VectorRecord,
} from "./types";

/**
 * A tenant index as N shard objects. The shard of a vector is a stable hash of its id, so
 * writes, reads and deletes go to one shard each, while a query asks every shard for its own
 * top k in parallel and keeps the best k of those (exactly the global top k when each shard is
 * exact, since a global top-k row is in its shard's top k). The shard count is part of the
 * index (`IndexSpec.shards`), fixed when it is created: re-sharding would move rows between
 * objects, and no index needs it before release.
 */

/** What a shard object answers (the Durable Object's RPC methods, structurally). */
export type ShardConfig = { dimensions: number; metric: Metric };
export interface ShardClient {
  write(config: ShardConfig, records: VectorRecord[], mode: "insert" | "upsert"): Promise<string[]>;
  delete(config: ShardConfig, ids: string[]): Promise<string[]>;
  get(config: ShardConfig, ids: string[]): Promise<VectorRecord[]>;
  query(config: ShardConfig, vector: number[] | Float32Array, options: QueryOptions): Promise<Match[]>;
  queryMany(config: ShardConfig, queries: BatchQuery[]): Promise<Match[][]>;
  count(config: ShardConfig): Promise<number>;
}

export const shardCount = (spec: IndexSpec) => spec.shards ?? 1;

/** The Durable Object name of shard `shard` of a tenant's index. */
export const shardObjectName = (spec: IndexSpec, tenantId: string, shard: number) =>
  `${indexObjectName(spec, tenantId)}:s${shard}`;

/** FNV-1a of the id's UTF-16 code units: stable across runtimes and releases. */
export function shardOf(id: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

/**
 * The best k of several shards' answers, each best first (as every shard returns them): a
 * k-way merge, k steps over the list heads, no sort. Equal scores keep shard order, as a
 * stable sort of the concatenation would.
 */
export function mergeMatches(lists: Match[][], k: number, metric: Metric): Match[] {
  if (lists.length === 1) return lists[0]!.length > k ? lists[0]!.slice(0, k) : lists[0]!;
  const heads = new Int32Array(lists.length);
  const out: Match[] = [];
  const lower = metric === "euclidean";
  while (out.length < k) {
    let best = -1;
    let bestScore = 0;
    for (let s = 0; s < lists.length; s++) {
      const m = lists[s]![heads[s]!];
      if (m === undefined) continue;
      if (best < 0 || (lower ? m.score < bestScore : m.score > bestScore)) {
        best = s;
        bestScore = m.score;
      }
    }
    if (best < 0) break;
    out.push(lists[best]![heads[best]!++]!);
  }
  return out;
}

/** `VectorIndex` over the shard objects of one tenant index. */
export class ShardedIndex implements VectorIndex {
  private opened: ShardClient[] | undefined;
  protected readonly config: ShardConfig;

  constructor(
    private readonly spec: IndexSpec,
    private readonly tenantId: string,
    private readonly open: (objectName: string) => ShardClient,
  ) {
    this.config = { dimensions: spec.dimensions, metric: spec.metric };
  }

  /**
   * The shard clients, opened on first use: serving builds an index per request, and a request
   * answered from a stored list never touches it (opening every shard's stub was a measurable
   * share of such a request's CPU and allocation).
   */
  private get shards(): ShardClient[] {
    this.opened ??= Array.from({ length: shardCount(this.spec) }, (_, s) =>
      this.open(shardObjectName(this.spec, this.tenantId, s)),
    );
    return this.opened;
  }

  private group<T>(items: T[], id: (item: T) => string): Map<number, T[]> {
    const groups = new Map<number, T[]>();
    for (const item of items) {
      const s = shardOf(id(item), this.shards.length);
      const g = groups.get(s);
      if (g) g.push(item);
      else groups.set(s, [item]);
    }
    return groups;
  }

  /** Ids that `done` holds, once each, in request order. */
  private inOrder(ids: string[], done: Set<string>): MutationResult {
    const seen = new Set<string>();
    const out = ids.filter((id) => done.has(id) && !seen.has(id) && seen.add(id));
    return { mutationId: crypto.randomUUID(), count: out.length, ids: out };
  }

  async query(vector: number[] | Float32Array, options: QueryOptions = {}): Promise<QueryResult> {
    const k = validateQuery(vector, this.config.dimensions, options);
    const perShard = await Promise.all(this.shards.map((s) => s.query(this.config, vector, options)));
    const matches = mergeMatches(perShard, k, this.config.metric);
    return { matches, count: matches.length };
  }

  /** Every query of the batch on every shard in one call per shard, merged per query. */
  async queryMany(queries: BatchQuery[]): Promise<QueryResult[]> {
    const ks = queries.map((q) => validateQuery(q.vector, this.config.dimensions, q.options ?? {}));
    const perShard = await Promise.all(this.shards.map((s) => s.queryMany(this.config, queries)));
    return ks.map((k, i) => {
      const matches = mergeMatches(
        perShard.map((answers) => answers[i]!),
        k,
        this.config.metric,
      );
      return { matches, count: matches.length };
    });
  }

  private async write(records: VectorRecord[], mode: "insert" | "upsert"): Promise<MutationResult> {
    // The whole batch is checked here, so no shard writes part of a batch another refuses.
    validateRecords(records, this.config.dimensions);
    const groups = [...this.group(records, (r) => r.id)];
    const written = await Promise.all(groups.map(([s, g]) => this.shards[s]!.write(this.config, g, mode)));
    return this.inOrder(
      records.map((r) => r.id),
      new Set(written.flat()),
    );
  }

  insert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.write(vectors, "insert");
  }

  upsert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.write(vectors, "upsert");
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    const groups = [...this.group(ids, (id) => id)];
    const found = (await Promise.all(groups.map(([s, g]) => this.shards[s]!.get(this.config, g)))).flat();
    const byId = new Map(found.map((r) => [r.id, r]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async deleteByIds(ids: string[]): Promise<MutationResult> {
    const groups = [...this.group(ids, (id) => id)];
    const removed = await Promise.all(groups.map(([s, g]) => this.shards[s]!.delete(this.config, g)));
    return this.inOrder(ids, new Set(removed.flat()));
  }

  async describe(): Promise<{ dimensions: number; metric: Metric; vectorCount: number }> {
    const counts = await Promise.all(this.shards.map((s) => s.count(this.config)));
    return { ...this.config, vectorCount: counts.reduce((a, b) => a + b, 0) };
  }
}
