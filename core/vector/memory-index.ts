import { matchesFilter, validateFilter } from "./filter";
import { norm, score, topK } from "./exact";
import { LIMITS, type Match, type Metadata, type Metric, type QueryOptions, type VectorRecord } from "./types";

export class VectorIndexError extends Error {}

/**
 * An in-memory vector index with Vectorize's semantics: row-major Float32 storage, one row
 * per id, namespaces and metadata per row, exact search. Pure: the Durable Object around it
 * persists rows in SQLite and loads them back into this.
 */
export class MemoryIndex {
  private data: Float32Array;
  private norms: Float32Array;
  private ids: string[] = [];
  private namespaces: (string | undefined)[] = [];
  private metadata: (Metadata | undefined)[] = [];
  private rowOf = new Map<string, number>();

  constructor(
    readonly dimensions: number,
    readonly metric: Metric,
    capacity = 1024,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > LIMITS.maxDimensions) {
      throw new VectorIndexError(`dimensions must be 1..${LIMITS.maxDimensions}`);
    }
    this.data = new Float32Array(capacity * dimensions);
    this.norms = new Float32Array(capacity);
  }

  get size(): number {
    return this.ids.length;
  }

  private grow(): void {
    const data = new Float32Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
    const norms = new Float32Array(this.norms.length * 2);
    norms.set(this.norms);
    this.norms = norms;
  }

  /** Validates a batch as Vectorize does; throws before changing anything. */
  validate(records: VectorRecord[]): void {
    if (records.length > LIMITS.maxBatch) throw new VectorIndexError(`at most ${LIMITS.maxBatch} vectors per call`);
    for (const r of records) {
      if (typeof r.id !== "string" || r.id.length === 0 || r.id.length > LIMITS.maxIdLength) {
        throw new VectorIndexError(`vector id must be 1..${LIMITS.maxIdLength} characters`);
      }
      if (r.values.length !== this.dimensions) {
        throw new VectorIndexError(`vector ${r.id} has ${r.values.length} dimensions, the index ${this.dimensions}`);
      }
      for (const v of r.values)
        if (!Number.isFinite(v)) throw new VectorIndexError(`vector ${r.id} has a non-finite value`);
      if (r.namespace !== undefined && r.namespace.length > LIMITS.maxNamespaceLength) {
        throw new VectorIndexError(`namespace must be at most ${LIMITS.maxNamespaceLength} characters`);
      }
    }
  }

  /** `insert` keeps existing ids untouched (Vectorize ignores them); `upsert` replaces them. Returns ids written. */
  write(records: VectorRecord[], mode: "insert" | "upsert"): string[] {
    this.validate(records);
    const written: string[] = [];
    for (const r of records) {
      let row = this.rowOf.get(r.id);
      if (row !== undefined && mode === "insert") continue;
      if (row === undefined) {
        if (this.ids.length * this.dimensions >= this.data.length) this.grow();
        row = this.ids.length;
        this.ids.push(r.id);
        this.namespaces.push(undefined);
        this.metadata.push(undefined);
        this.rowOf.set(r.id, row);
      }
      this.data.set(r.values, row * this.dimensions);
      this.norms[row] = norm(this.data, row * this.dimensions, this.dimensions);
      this.namespaces[row] = r.namespace;
      this.metadata[row] = r.metadata;
      written.push(r.id);
    }
    return written;
  }

  /** Removes rows by moving the last row into each hole. Returns ids that existed. */
  delete(ids: string[]): string[] {
    const removed: string[] = [];
    for (const id of ids) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      const last = this.ids.length - 1;
      if (row !== last) {
        this.data.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
        this.norms[row] = this.norms[last]!;
        this.ids[row] = this.ids[last]!;
        this.namespaces[row] = this.namespaces[last];
        this.metadata[row] = this.metadata[last];
        this.rowOf.set(this.ids[row]!, row);
      }
      this.ids.pop();
      this.namespaces.pop();
      this.metadata.pop();
      this.rowOf.delete(id);
      removed.push(id);
    }
    return removed;
  }

  get(ids: string[]): VectorRecord[] {
    return ids.flatMap((id) => {
      const row = this.rowOf.get(id);
      if (row === undefined) return [];
      const values = Array.from(this.data.subarray(row * this.dimensions, (row + 1) * this.dimensions));
      const ns = this.namespaces[row];
      const md = this.metadata[row];
      return [
        { id, values, ...(ns !== undefined ? { namespace: ns } : {}), ...(md !== undefined ? { metadata: md } : {}) },
      ];
    });
  }

  query(vector: number[] | Float32Array, options: QueryOptions = {}): Match[] {
    const k = options.topK ?? 5;
    const withValues = options.returnValues === true;
    const withMetadata =
      options.returnMetadata === true || options.returnMetadata === "all" || options.returnMetadata === "indexed";
    const max =
      withValues || options.returnMetadata === "all" || options.returnMetadata === true
        ? LIMITS.maxTopKWithValuesOrMetadata
        : LIMITS.maxTopK;
    if (!Number.isInteger(k) || k < 1 || k > max) throw new VectorIndexError(`topK must be 1..${max} for this query`);
    if (vector.length !== this.dimensions)
      throw new VectorIndexError(`query has ${vector.length} dimensions, the index ${this.dimensions}`);
    if (options.filter) validateFilter(options.filter);
    const q = Float32Array.from(vector);
    const qNorm = norm(q);
    const ns = options.namespace;
    const best = topK(
      this.ids.length,
      k,
      (row) =>
        (ns !== undefined && this.namespaces[row] !== ns) || !matchesFilter(this.metadata[row], options.filter)
          ? undefined
          : score(this.metric, this.data, row, this.dimensions, q, qNorm, this.norms[row]!),
      this.metric,
    );
    return best.map(({ index, score: s }) => {
      const match: Match = { id: this.ids[index]!, score: s };
      if (withValues)
        match.values = Array.from(this.data.subarray(index * this.dimensions, (index + 1) * this.dimensions));
      if (withMetadata && this.metadata[index]) match.metadata = this.metadata[index];
      if (this.namespaces[index] !== undefined) match.namespace = this.namespaces[index];
      return match;
    });
  }
}
