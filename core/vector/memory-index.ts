import { Arena, INDEX_REGIONS, type IndexRegion } from "./arena";
import { selectBest, TopK } from "./exact";
import { matchesFilter } from "./filter";
import { InvertedLists, listOrder, listsFor, sampleRows, unprobedNearestFirst } from "./ivf";
import { jsKernel, paddedDims, type Kernel } from "./kernel";
import { nearestCentroid, scoreCentroids, trainCentroids } from "./kmeans";
import { DEFAULT_APPROXIMATE, type ApproximateParams, type IndexOptions } from "./options";
import { RowStore, writeRow } from "./rows";
import { LIMITS, type Match, type MetadataFilter, type Metric, type QueryOptions, type VectorRecord } from "./types";
import { validateQuery, validateRecords, VectorIndexError } from "./validate";

// Where the index's callers have always found them.
export {
  DEFAULT_APPROXIMATE,
  validateQuery,
  validateRecords,
  VectorIndexError,
  type ApproximateParams,
  type IndexOptions,
};

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
  private readonly rows: RowStore;
  /** Floats per stored row (dimensions padded to the kernel step). */
  private readonly stride: number;
  private readonly maxRows: number;
  private ivf: { lists: InvertedLists; trainedRows: number } | undefined;
  /** Per-query scratch, reused: the top-k heap and what it drains into, the probe order. */
  private readonly best = new TopK(LIMITS.maxTopK);
  private readonly bestRows = new Int32Array(LIMITS.maxTopK);
  private readonly bestKeys = new Float64Array(LIMITS.maxTopK);
  private readonly probeHeap = new TopK();
  private probeOrder = new Int32Array(0);
  private probeKeys = new Float64Array(0);

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
    this.rows = new RowStore(this.kernel, this.arena, dimensions, this.stride, this.maxRows);
    this.rows.reserve(Math.min(this.maxRows, options.capacity ?? 1024));
  }

  get size(): number {
    return this.rows.size;
  }

  /** Bytes of vector data held (kernel memory regions and per-row arrays), not JS objects. */
  get vectorBytes(): number {
    return this.arena.bytes + this.rows.norms.byteLength + (this.ivf ? this.size * 12 : 0);
  }

  /** The number of IVF lists, or 0 while untrained. */
  get lists(): number {
    return this.ivf?.lists.count ?? 0;
  }

  validate(records: VectorRecord[]): void {
    validateRecords(records, this.dimensions);
  }

  /** `insert` keeps existing ids untouched (Vectorize ignores them); `upsert` replaces them. Returns ids written. */
  write(records: VectorRecord[], mode: "insert" | "upsert"): string[] {
    this.validate(records);
    const fresh = new Set(records.filter((r) => !this.rows.rowOf.has(r.id)).map((r) => r.id)).size;
    if (this.size + fresh > this.maxRows) {
      throw new VectorIndexError(`index shard is full (${this.maxRows} vectors); the index needs more shards`);
    }
    this.rows.reserve(this.size + fresh);
    const written: string[] = [];
    for (const r of records) {
      if (mode === "insert" && this.rows.rowOf.has(r.id)) continue;
      const { row, isNew } = this.rows.put(r);
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
    for (const id of ids) {
      const row = this.rows.rowOf.get(id);
      if (row === undefined) continue;
      this.ivf?.lists.remove(row);
      const moved = this.rows.remove(row);
      if (moved !== undefined) this.ivf?.lists.renumber(moved, row);
      removed.push(id);
    }
    return removed;
  }

  get(ids: string[]): VectorRecord[] {
    return ids.flatMap((id) => this.rows.record(id) ?? []);
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
      rowPtr: (r) => this.rows.rowPtr(r),
      rowNorm: (r) => this.rows.norms[r]!,
      sample: sampleRows(n, count * this.params.samplePerList),
      lists: count,
      iterations: this.params.iterations,
      spherical: this.metric === "cosine",
    });
    const space = this.metric === "cosine" ? "dot" : "l2";
    const assign = new Int32Array(n);
    for (let row = 0; row < n; row++) {
      assign[row] = nearestCentroid(this.kernel, this.arena, this.stride * 4, this.rows.rowPtr(row), count, space);
    }
    const byList = this.cluster(assign, count);
    const lists = new InvertedLists(count);
    this.ivf = { lists, trainedRows: n };
    for (let row = 0; row < n; row++) lists.add(row, byList[row]!);
    return lists;
  }

  /**
   * Reorders the rows so that each list's rows are contiguous (list 0's first), and returns the
   * list of each row in the new order. A probe then reads its rows as one sequential run of
   * memory instead of one cache and TLB miss per row, which at shard sizes (16 MiB of rows,
   * many shards per process) costs more than the arithmetic. Rows written later are appended
   * and filed under their list; the next retraining (rows doubled or halved) lays them out again.
   */
  private cluster(assign: Int32Array, count: number): Int32Array {
    const { to, byList } = listOrder(assign, count);
    this.rows.permute(to);
    return byList;
  }

  private nearestList(row: number): number {
    const space = this.metric === "cosine" ? "dot" : "l2";
    return nearestCentroid(
      this.kernel,
      this.arena,
      this.stride * 4,
      this.rows.rowPtr(row),
      this.ivf!.lists.count,
      space,
    );
  }

  /** Whether `row` is in namespace `ns` (if given) and passes `filter` (if given). */
  private passes(row: number, ns: string | undefined, filter: MetadataFilter | undefined): boolean {
    return (
      (ns === undefined || this.rows.namespaces[row] === ns) &&
      (filter === undefined || matchesFilter(this.rows.metadata[row], filter))
    );
  }

  query(vector: number[] | Float32Array, options: QueryOptions = {}): Match[] {
    const k = validateQuery(vector, this.dimensions, options);
    const withValues = options.returnValues === true;
    const withMetadata =
      options.returnMetadata === true || options.returnMetadata === "all" || options.returnMetadata === "indexed";
    const ns = options.namespace;
    const filter = options.filter && Object.keys(options.filter).length > 0 ? options.filter : undefined;
    const filtered = ns !== undefined || filter !== undefined;

    // Training (first approximate query) grows regions: it comes before any offset is read.
    const lists = this.approximates(options.approximate) ? this.train() : undefined;
    this.arena.ensure("idx", this.size * 4);
    this.arena.ensure("scores", this.size * 4);
    const f = this.rows.f32();
    const qPtr = this.arena.offset("query");
    const idxPtr = this.arena.offset("idx");
    const scoresPtr = this.arena.offset("scores");
    const qNorm = writeRow(f, qPtr >> 2, vector, this.dimensions, this.stride);
    const idx = new Int32Array(f.buffer, idxPtr, this.size);
    let n = 0;
    let scanRows = false;
    if (lists) n = this.gather(lists, idx, k, ns, filter);
    else if (filtered) {
      for (let row = 0; row < this.size; row++) if (this.passes(row, ns, filter)) idx[n++] = row;
    } else {
      scanRows = true;
      n = this.size;
    }

    const euclidean = this.metric === "euclidean";
    const scan = scanRows
      ? euclidean
        ? this.kernel.l2Rows
        : this.kernel.dotRows
      : euclidean
        ? this.kernel.l2List
        : this.kernel.dotList;
    scan(qPtr, this.arena.offset("data"), this.stride * 4, scanRows ? 0 : idxPtr, n, scoresPtr);
    this.best.reset(k);
    selectBest(this.best, this.metric, this.rows.norms, f, scoresPtr >> 2, scanRows ? undefined : idx, n, qNorm);
    const found = this.best.drain(this.bestRows, this.bestKeys);

    const matches: Match[] = new Array<Match>(found);
    for (let i = 0; i < found; i++) {
      const row = this.bestRows[i]!;
      const key = this.bestKeys[i]!;
      const match: Match = { id: this.rows.ids[row]!, score: euclidean ? Math.sqrt(-key) : key };
      if (withValues) match.values = this.rows.values(row);
      if (withMetadata && this.rows.metadata[row]) match.metadata = this.rows.metadata[row];
      if (this.rows.namespaces[row] !== undefined) match.namespace = this.rows.namespaces[row];
      matches[i] = match;
    }
    return matches;
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
    ns: string | undefined,
    filter: MetadataFilter | undefined,
  ): number {
    const count = lists.count;
    const probes = Math.min(count, Math.max(this.params.minProbes, Math.ceil(count * this.params.probeFraction)));
    const euclidean = this.metric === "euclidean";
    const filtered = ns !== undefined || filter !== undefined;
    const scoresPtr = this.arena.offset("scores");
    scoreCentroids(
      this.kernel,
      this.arena,
      this.stride * 4,
      this.arena.offset("query"),
      count,
      euclidean ? "l2" : "dot",
    );
    const f = this.rows.f32();
    const at = scoresPtr >> 2;
    const sign = euclidean ? -1 : 1;
    const heap = this.probeHeap;
    heap.reset(probes);
    for (let c = 0; c < count; c++) heap.push(c, sign * f[at + c]!);
    if (this.probeOrder.length < count) {
      this.probeOrder = new Int32Array(count);
      this.probeKeys = new Float64Array(count);
    }
    const order = this.probeOrder;
    const probed = heap.drain(order, this.probeKeys);
    let n = 0;
    const take = (list: number) => {
      const rows = lists.rows(list);
      if (!filtered) {
        idx.set(rows, n);
        n += rows.length;
      } else for (let j = 0; j < rows.length; j++) if (this.passes(rows[j]!, ns, filter)) idx[n++] = rows[j]!;
    };
    for (let p = 0; p < probed; p++) take(order[p]!);
    if (filtered && n < k && probed < count) {
      // Rare: the probed lists hold fewer than k passing rows. The rest, nearest first.
      const rest = unprobedNearestFirst(count, order.subarray(0, probed), (c) => sign * f[at + c]!);
      for (const list of rest) {
        take(list);
        if (n >= k) break;
      }
    }
    return n;
  }
}
