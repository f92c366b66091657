import { Arena, INDEX_REGIONS, type IndexRegion } from "./arena";
import { TopK } from "./exact";
import { matchesFilter, validateFilter } from "./filter";
import { InvertedLists, listsFor, sampleRows } from "./ivf";
import { jsKernel, paddedDims, type Kernel } from "./kernel";
import { nearestCentroid, scoreCentroids, trainCentroids } from "./kmeans";
import {
  LIMITS,
  type Match,
  type Metadata,
  type MetadataFilter,
  type Metric,
  type QueryOptions,
  type VectorRecord,
} from "./types";

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
  /** A view of the kernel memory, renewed when the memory grows (`f32`). */
  private memBuffer: ArrayBuffer | undefined;
  private memF32 = new Float32Array(0);
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

  /** A float view of the whole kernel memory (renewed after the memory grows). */
  private f32(): Float32Array {
    const buffer = this.kernel.buffer();
    if (buffer !== this.memBuffer) {
      this.memBuffer = buffer;
      this.memF32 = new Float32Array(buffer);
    }
    return this.memF32;
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
    const space = this.metric === "cosine" ? "dot" : "l2";
    const assign = new Int32Array(n);
    for (let row = 0; row < n; row++) {
      assign[row] = nearestCentroid(this.kernel, this.arena, this.stride * 4, this.rowPtr(row), count, space);
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
   * In place: a row moves along its permutation cycle with two rows of scratch.
   */
  private cluster(assign: Int32Array, count: number): Int32Array {
    const n = assign.length;
    const start = new Int32Array(count + 1);
    for (let row = 0; row < n; row++) start[assign[row]! + 1]!++;
    for (let c = 0; c < count; c++) start[c + 1]! += start[c]!;
    const to = new Int32Array(n);
    const byList = new Int32Array(n);
    for (let row = 0; row < n; row++) {
      const c = assign[row]!;
      const at = start[c]!++;
      to[row] = at;
      byList[at] = c;
    }
    const f = this.f32();
    const stride = this.stride;
    const base = this.arena.offset("data") >> 2;
    let carry = new Float32Array(stride);
    let spare = new Float32Array(stride);
    const done = new Uint8Array(n);
    for (let first = 0; first < n; first++) {
      if (done[first] || to[first] === first) continue;
      carry.set(f.subarray(base + first * stride, base + (first + 1) * stride));
      let row = first;
      do {
        const dst = to[row]!;
        const o = base + dst * stride;
        spare.set(f.subarray(o, o + stride));
        f.set(carry, o);
        [carry, spare] = [spare, carry];
        done[dst] = 1;
        row = dst;
      } while (row !== first);
    }
    const norms = new Float32Array(this.norms.length);
    const ids: string[] = new Array<string>(n);
    const namespaces: (string | undefined)[] = new Array<string | undefined>(n);
    const metadata: (Metadata | undefined)[] = new Array<Metadata | undefined>(n);
    for (let row = 0; row < n; row++) {
      const at = to[row]!;
      norms[at] = this.norms[row]!;
      ids[at] = this.ids[row]!;
      namespaces[at] = this.namespaces[row];
      metadata[at] = this.metadata[row];
      this.rowOf.set(this.ids[row]!, at);
    }
    this.norms = norms;
    this.ids = ids;
    this.namespaces = namespaces;
    this.metadata = metadata;
    return byList;
  }

  private nearestList(row: number): number {
    const space = this.metric === "cosine" ? "dot" : "l2";
    return nearestCentroid(this.kernel, this.arena, this.stride * 4, this.rowPtr(row), this.ivf!.lists.count, space);
  }

  /** Whether `row` is in namespace `ns` (if given) and passes `filter` (if given). */
  private passes(row: number, ns: string | undefined, filter: MetadataFilter | undefined): boolean {
    return (
      (ns === undefined || this.namespaces[row] === ns) &&
      (filter === undefined || matchesFilter(this.metadata[row], filter))
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
    const f = this.f32();
    const qPtr = this.arena.offset("query");
    const idxPtr = this.arena.offset("idx");
    const scoresPtr = this.arena.offset("scores");
    let qNorm = 0;
    {
      const o = qPtr >> 2;
      for (let i = 0; i < this.dimensions; i++) {
        const v = Math.fround(vector[i]!);
        f[o + i] = v;
        qNorm += v * v;
      }
      f.fill(0, o + this.dimensions, o + this.stride);
      qNorm = Math.sqrt(qNorm);
    }
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
    const found = this.select(f, scoresPtr >> 2, scanRows ? undefined : idx, n, k, qNorm);

    const matches: Match[] = new Array<Match>(found);
    for (let i = 0; i < found; i++) {
      const row = this.bestRows[i]!;
      const key = this.bestKeys[i]!;
      const match: Match = { id: this.ids[row]!, score: euclidean ? Math.sqrt(-key) : key };
      if (withValues) match.values = this.values(row);
      if (withMetadata && this.metadata[row]) match.metadata = this.metadata[row];
      if (this.namespaces[row] !== undefined) match.namespace = this.namespaces[row];
      matches[i] = match;
    }
    return matches;
  }

  /**
   * The k best of the `n` kernel scores at `raw` (floats into `f`), for rows `rows[i]` (or row
   * i when `rows` is absent), into `bestRows`/`bestKeys` best first; returns how many. Keys are
   * scores with higher closer: cosine divides by the norms, euclidean keeps the negated squared
   * distance (its square root is taken for the k kept only). NaN scores are skipped. `bar` is
   * the heap's worst kept key once full: most candidates stop at that one comparison (`>=`, so
   * an infinite score still fills a heap that is not full; the heap itself refuses ties).
   */
  private select(
    f: Float32Array,
    raw: number,
    rows: Int32Array | undefined,
    n: number,
    k: number,
    qNorm: number,
  ): number {
    const heap = this.best;
    heap.reset(k);
    if (this.metric === "cosine") {
      const norms = this.norms;
      let bar = -Infinity;
      for (let i = 0; i < n; i++) {
        const rn = norms[rows ? rows[i]! : i]!;
        const s = rn === 0 || qNorm === 0 ? 0 : f[raw + i]! / (rn * qNorm);
        if (s >= bar) {
          heap.push(rows ? rows[i]! : i, s);
          bar = heap.bar;
        }
      }
    } else {
      const sign = this.metric === "euclidean" ? -1 : 1;
      let bar = -Infinity;
      for (let i = 0; i < n; i++) {
        const s = sign * f[raw + i]!;
        if (s >= bar) {
          heap.push(rows ? rows[i]! : i, s);
          bar = heap.bar;
        }
      }
    }
    return heap.drain(this.bestRows, this.bestKeys);
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
    const f = this.f32();
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
      const done = new Uint8Array(count);
      for (let p = 0; p < probed; p++) done[order[p]!] = 1;
      const rest: number[] = [];
      for (let c = 0; c < count; c++) if (!done[c]) rest.push(c);
      const key = (c: number) => {
        const s = sign * f[at + c]!;
        return s === s ? s : -Infinity;
      };
      rest.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return x > y ? -1 : x < y ? 1 : a - b;
      });
      for (const list of rest) {
        take(list);
        if (n >= k) break;
      }
    }
    return n;
  }
}
