import { Arena, INDEX_REGIONS, type IndexRegion } from "./arena";
import { closerFirst, topK } from "./exact";
import { matchesFilter, validateFilter } from "./filter";
import { InvertedLists, listsFor, sampleRows } from "./ivf";
import { jsKernel, paddedDims, type Kernel } from "./kernel";
import { nearestCentroid, scoreCentroids, trainCentroids } from "./kmeans";
import { LIMITS, type Match, type Metadata, type Metric, type QueryOptions, type VectorRecord } from "./types";

export class VectorIndexError extends Error {}

/**
 * When a query is approximate (IVF) and how. A query is exact unless the index holds at least
 * `minWork` floats (rows x dimensions, about 0.5 ms of exact scan) or the query asks for
 * `approximate: true`; `approximate: false` always scans everything.
 */
export type ApproximateParams = {
  minWork: number;
  /** Lists = listsPerSqrt * sqrt(rows), fixed at training; retrained when rows double or halve. */
  listsPerSqrt: number;
  /** Lists scanned per query, as a fraction of the lists (at least `minProbes`). */
  probeFraction: number;
  minProbes: number;
  /** k-means: sample rows per list and iterations. */
  samplePerList: number;
  iterations: number;
};

export const DEFAULT_APPROXIMATE: ApproximateParams = {
  minWork: 2_000_000,
  listsPerSqrt: 2,
  probeFraction: 0.06,
  minProbes: 4,
  samplePerList: 48,
  iterations: 8,
};

export type IndexOptions = {
  /** The scoring kernel; each index needs its own (it owns the memory). JS fallback if absent. */
  kernel?: Kernel;
  /** Rows reserved up front. */
  capacity?: number;
  /** Writes that would hold more rows are refused (a shard's memory budget). */
  maxRows?: number;
  approximate?: Partial<ApproximateParams>;
};

/** Checks a batch as Vectorize does, before anything changes. */
export function validateRecords(records: VectorRecord[], dimensions: number): void {
  if (records.length > LIMITS.maxBatch) throw new VectorIndexError(`at most ${LIMITS.maxBatch} vectors per call`);
  for (const r of records) {
    if (typeof r.id !== "string" || r.id.length === 0 || r.id.length > LIMITS.maxIdLength) {
      throw new VectorIndexError(`vector id must be 1..${LIMITS.maxIdLength} characters`);
    }
    if (r.values.length !== dimensions) {
      throw new VectorIndexError(`vector ${r.id} has ${r.values.length} dimensions, the index ${dimensions}`);
    }
    for (const v of r.values)
      if (!Number.isFinite(v)) throw new VectorIndexError(`vector ${r.id} has a non-finite value`);
    if (r.namespace !== undefined && r.namespace.length > LIMITS.maxNamespaceLength) {
      throw new VectorIndexError(`namespace must be at most ${LIMITS.maxNamespaceLength} characters`);
    }
  }
}

/** Checks topK and the query's shape; returns topK. */
export function validateQuery(vector: ArrayLike<number>, dimensions: number, options: QueryOptions): number {
  const k = options.topK ?? 5;
  const max =
    options.returnValues === true || options.returnMetadata === "all" || options.returnMetadata === true
      ? LIMITS.maxTopKWithValuesOrMetadata
      : LIMITS.maxTopK;
  if (!Number.isInteger(k) || k < 1 || k > max) throw new VectorIndexError(`topK must be 1..${max} for this query`);
  if (vector.length !== dimensions)
    throw new VectorIndexError(`query has ${vector.length} dimensions, the index ${dimensions}`);
  if (options.filter) validateFilter(options.filter);
  return k;
}

/**
 * An in-memory vector index with Vectorize's semantics: one row per id, namespaces and
 * metadata per row. Rows are float32 in the kernel's memory, padded to the kernel's step.
 * Exact search scans every row (the reference); approximate search scans the rows of the
 * IVF lists nearest the query. Pure: the Durable Object around it persists rows in SQLite
 * and loads them back into this.
 */
export class MemoryIndex {
  readonly kernel: Kernel;
  readonly params: ApproximateParams;
  private readonly arena: Arena<IndexRegion>;
  /** Floats per stored row (dimensions padded to the kernel step). */
  private readonly stride: number;
  private readonly maxRows: number;
  private norms = new Float32Array(0);
  private ids: string[] = [];
  private namespaces: (string | undefined)[] = [];
  private metadata: (Metadata | undefined)[] = [];
  private rowOf = new Map<string, number>();
  private ivf: { lists: InvertedLists; trainedRows: number } | undefined;

  constructor(
    readonly dimensions: number,
    readonly metric: Metric,
    options: IndexOptions = {},
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > LIMITS.maxDimensions) {
      throw new VectorIndexError(`dimensions must be 1..${LIMITS.maxDimensions}`);
    }
    this.kernel = options.kernel ?? jsKernel();
    this.params = { ...DEFAULT_APPROXIMATE, ...options.approximate };
    this.maxRows = options.maxRows ?? Infinity;
    this.stride = paddedDims(dimensions);
    this.arena = new Arena(this.kernel, INDEX_REGIONS);
    this.arena.ensure("query", this.stride * 4);
    this.reserve(Math.min(this.maxRows, options.capacity ?? 1024));
  }

  get size(): number {
    return this.ids.length;
  }

  /** Bytes of vector data held (kernel memory regions and per-row arrays), not JS objects. */
  get vectorBytes(): number {
    return this.arena.bytes + this.norms.byteLength + (this.ivf ? this.size * 12 : 0);
  }

  /** The number of IVF lists, or 0 while untrained. */
  get lists(): number {
    return this.ivf?.lists.count ?? 0;
  }

  /** Room for `rows` rows, growing by half (never past `maxRows`: a full shard wastes nothing). */
  private reserve(rows: number): void {
    const bytes = this.stride * 4;
    const cap = this.arena.capacity("data") / bytes;
    if (rows > cap) this.arena.ensure("data", Math.min(this.maxRows, Math.max(rows, Math.ceil(cap * 1.5))) * bytes, 1);
    if (rows > this.norms.length) {
      const norms = new Float32Array(Math.min(this.maxRows, Math.max(rows, Math.ceil(this.norms.length * 1.5))));
      norms.set(this.norms);
      this.norms = norms;
    }
  }

  private rowPtr(row: number): number {
    return this.arena.offset("data") + row * this.stride * 4;
  }

  private f32(): Float32Array {
    return new Float32Array(this.kernel.buffer());
  }

  validate(records: VectorRecord[]): void {
    validateRecords(records, this.dimensions);
  }

  /** `insert` keeps existing ids untouched (Vectorize ignores them); `upsert` replaces them. Returns ids written. */
  write(records: VectorRecord[], mode: "insert" | "upsert"): string[] {
    this.validate(records);
    const fresh = new Set(records.filter((r) => !this.rowOf.has(r.id)).map((r) => r.id)).size;
    if (this.size + fresh > this.maxRows) {
      throw new VectorIndexError(`index shard is full (${this.maxRows} vectors); the index needs more shards`);
    }
    this.reserve(this.size + fresh);
    const written: string[] = [];
    for (const r of records) {
      let row = this.rowOf.get(r.id);
      if (row !== undefined && mode === "insert") continue;
      const isNew = row === undefined;
      if (row === undefined) {
        row = this.ids.length;
        this.ids.push(r.id);
        this.namespaces.push(undefined);
        this.metadata.push(undefined);
        this.rowOf.set(r.id, row);
      }
      const f = this.f32();
      const o = this.rowPtr(row) >> 2;
      let s = 0;
      for (let i = 0; i < this.dimensions; i++) {
        const v = Math.fround(r.values[i]!);
        f[o + i] = v;
        s += v * v;
      }
      f.fill(0, o + this.dimensions, o + this.stride);
      this.norms[row] = Math.sqrt(s);
      this.namespaces[row] = r.namespace;
      this.metadata[row] = r.metadata;
      if (this.ivf) {
        if (!isNew) this.ivf.lists.remove(row);
        this.ivf.lists.add(row, this.nearestList(row));
      }
      written.push(r.id);
    }
    return written;
  }

  /** Removes rows by moving the last row into each hole. Returns ids that existed. */
  delete(ids: string[]): string[] {
    const removed: string[] = [];
    const bytes = this.stride * 4;
    for (const id of ids) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      const last = this.ids.length - 1;
      this.ivf?.lists.remove(row);
      if (row !== last) {
        new Uint8Array(this.kernel.buffer()).copyWithin(this.rowPtr(row), this.rowPtr(last), this.rowPtr(last) + bytes);
        this.norms[row] = this.norms[last]!;
        this.ids[row] = this.ids[last]!;
        this.namespaces[row] = this.namespaces[last];
        this.metadata[row] = this.metadata[last];
        this.rowOf.set(this.ids[row]!, row);
        this.ivf?.lists.renumber(last, row);
      }
      this.ids.pop();
      this.namespaces.pop();
      this.metadata.pop();
      this.rowOf.delete(id);
      removed.push(id);
    }
    return removed;
  }

  private values(row: number): number[] {
    const o = this.rowPtr(row) >> 2;
    return Array.from(this.f32().subarray(o, o + this.dimensions));
  }

  get(ids: string[]): VectorRecord[] {
    return ids.flatMap((id) => {
      const row = this.rowOf.get(id);
      if (row === undefined) return [];
      const ns = this.namespaces[row];
      const md = this.metadata[row];
      return [
        {
          id,
          values: this.values(row),
          ...(ns !== undefined ? { namespace: ns } : {}),
          ...(md !== undefined ? { metadata: md } : {}),
        },
      ];
    });
  }

  /** Whether a query with `approximate` runs on the IVF lists. */
  private approximates(approximate: boolean | undefined): boolean {
    if (approximate === false || this.size < 2) return false;
    return approximate === true || this.size * this.dimensions >= this.params.minWork;
  }

  /** (Re)trains the lists when there are none or the rows have doubled or halved since. */
  private train(): InvertedLists {
    const n = this.size;
    if (this.ivf && n <= 2 * this.ivf.trainedRows && 2 * n >= this.ivf.trainedRows) return this.ivf.lists;
    const count = Math.min(n, listsFor(n, this.params.listsPerSqrt));
    trainCentroids({
      kernel: this.kernel,
      arena: this.arena,
      stride: this.stride,
      rowPtr: (r) => this.rowPtr(r),
      rowNorm: (r) => this.norms[r]!,
      sample: sampleRows(n, count * this.params.samplePerList),
      lists: count,
      iterations: this.params.iterations,
      spherical: this.metric === "cosine",
    });
    const lists = new InvertedLists(count);
    this.ivf = { lists, trainedRows: n };
    for (let row = 0; row < n; row++) lists.add(row, this.nearestList(row));
    return lists;
  }

  private nearestList(row: number): number {
    const space = this.metric === "cosine" ? "dot" : "l2";
    return nearestCentroid(this.kernel, this.arena, this.stride * 4, this.rowPtr(row), this.ivf!.lists.count, space);
  }

  query(vector: number[] | Float32Array, options: QueryOptions = {}): Match[] {
    const k = validateQuery(vector, this.dimensions, options);
    const withValues = options.returnValues === true;
    const withMetadata =
      options.returnMetadata === true || options.returnMetadata === "all" || options.returnMetadata === "indexed";
    const ns = options.namespace;
    const filter = options.filter && Object.keys(options.filter).length > 0 ? options.filter : undefined;
    const filtered = ns !== undefined || filter !== undefined;
    const keep = (row: number) =>
      (ns === undefined || this.namespaces[row] === ns) &&
      (filter === undefined || matchesFilter(this.metadata[row], filter));

    this.arena.ensure("idx", this.size * 4);
    this.arena.ensure("scores", this.size * 4);
    let qNorm = 0;
    {
      const f = this.f32();
      const o = this.arena.offset("query") >> 2;
      for (let i = 0; i < this.dimensions; i++) {
        const v = Math.fround(vector[i]!);
        f[o + i] = v;
        qNorm += v * v;
      }
      f.fill(0, o + this.dimensions, o + this.stride);
      qNorm = Math.sqrt(qNorm);
    }
    const approximate = this.approximates(options.approximate);
    const lists = approximate ? this.train() : undefined;
    const idx = new Int32Array(this.kernel.buffer(), this.arena.offset("idx"), this.size);
    let n = 0;
    let scan: "rows" | "list" = "list";
    if (lists) n = this.gather(lists, idx, k, filtered ? keep : undefined);
    else if (filtered) {
      for (let row = 0; row < this.size; row++) if (keep(row)) idx[n++] = row;
    } else {
      scan = "rows";
      n = this.size;
    }

    const euclidean = this.metric === "euclidean";
    const kernelScan =
      scan === "rows"
        ? euclidean
          ? this.kernel.l2Rows
          : this.kernel.dotRows
        : euclidean
          ? this.kernel.l2List
          : this.kernel.dotList;
    const from = scan === "rows" ? 0 : this.arena.offset("idx");
    kernelScan(
      this.arena.offset("query"),
      this.arena.offset("data"),
      this.stride * 4,
      from,
      n,
      this.arena.offset("scores"),
    );
    const raw = new Float32Array(this.kernel.buffer(), this.arena.offset("scores"), n);
    const rows = scan === "rows" ? undefined : idx;
    const norms = this.norms;
    const best = topK(
      n,
      k,
      this.metric === "euclidean"
        ? (i) => Math.sqrt(raw[i]!)
        : this.metric === "dot-product"
          ? (i) => raw[i]!
          : (i) => {
              const rn = norms[rows ? rows[i]! : i]!;
              return rn === 0 || qNorm === 0 ? 0 : raw[i]! / (rn * qNorm);
            },
      this.metric,
    );
    return best.map(({ index, score }) => {
      const row = rows ? rows[index]! : index;
      const match: Match = { id: this.ids[row]!, score };
      if (withValues) match.values = this.values(row);
      if (withMetadata && this.metadata[row]) match.metadata = this.metadata[row];
      if (this.namespaces[row] !== undefined) match.namespace = this.namespaces[row];
      return match;
    });
  }

  /**
   * Candidate rows from the lists nearest the query into `idx`: the `probes` nearest lists,
   * and with a filter further lists in order until at least k rows pass it (so a selective
   * filter still finds its k rows; rows that fail it are never scored).
   */
  private gather(
    lists: InvertedLists,
    idx: Int32Array,
    k: number,
    keep: ((row: number) => boolean) | undefined,
  ): number {
    const count = lists.count;
    const probes = Math.min(count, Math.max(this.params.minProbes, Math.ceil(count * this.params.probeFraction)));
    const space = this.metric === "euclidean" ? "l2" : "dot";
    scoreCentroids(this.kernel, this.arena, this.stride * 4, this.arena.offset("query"), count, space);
    const scores = new Float32Array(this.kernel.buffer(), this.arena.offset("scores"), count);
    const metric: Metric = space === "l2" ? "euclidean" : "dot-product";
    let order = topK(count, probes, (c) => scores[c]!, metric).map((c) => c.index);
    let n = 0;
    const take = (list: number) => {
      const rows = lists.rows(list);
      if (!keep) {
        idx.set(rows, n);
        n += rows.length;
      } else for (const row of rows) if (keep(row)) idx[n++] = row;
    };
    for (const list of order) take(list);
    if (keep && n < k && probes < count) {
      const done = new Set(order);
      const cmp = closerFirst(metric);
      order = Array.from({ length: count }, (_, c) => c)
        .filter((c) => !done.has(c))
        .sort((a, b) => cmp(scores[a]!, scores[b]!));
      for (const list of order) {
        take(list);
        if (n >= k) break;
      }
    }
    return n;
  }
}
