import type { MutationResult, QueryOptions, QueryResult, VectorIndex, VectorRecord } from "@edge-ml/core/vector/types";
import type { IndexConfig, VectorIndexObject } from "../../../../ingest/src/vector-index";

/**
 * `VectorIndex` over the local Durable Object stand-in: one object per tenant, so tenants
 * never share an index (production uses one Vectorize index with a namespace per tenant).
 */
export class LocalVectorIndex implements VectorIndex {
  private readonly stub: DurableObjectStub<VectorIndexObject>;

  constructor(
    binding: ApiEnv["VECTOR_INDEX"],
    tenantId: string,
    private readonly config: IndexConfig,
  ) {
    // `wrangler types` cannot see a class of another script: the binding is typed here.
    const namespace = binding as unknown as DurableObjectNamespace<VectorIndexObject>;
    this.stub = namespace.get(namespace.idFromName(`vectors:${tenantId}`));
  }

  private mutation(ids: string[]): MutationResult {
    return { mutationId: crypto.randomUUID(), count: ids.length, ids };
  }

  async query(vector: number[] | Float32Array, options: QueryOptions = {}): Promise<QueryResult> {
    const matches = await this.stub.query(this.config, vector, options);
    return { matches, count: matches.length };
  }

  async insert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.mutation(await this.stub.write(this.config, vectors, "insert"));
  }

  async upsert(vectors: VectorRecord[]): Promise<MutationResult> {
    return this.mutation(await this.stub.write(this.config, vectors, "upsert"));
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    return this.stub.get(this.config, ids);
  }

  async deleteByIds(ids: string[]): Promise<MutationResult> {
    return this.mutation(await this.stub.delete(this.config, ids));
  }

  async describe() {
    return { ...this.config, vectorCount: await this.stub.count(this.config) };
  }
}
