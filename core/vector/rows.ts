import type { Arena, IndexRegion } from "./arena";
import type { Kernel } from "./kernel";
import type { Metadata, VectorRecord } from "./types";

/**
 * The rows of one index: float32 vectors in the kernel's memory (region "data", padded to the
 * kernel's step), with each row's norm, id, namespace and metadata beside it. Rows are dense
 * (0..size-1): a delete moves the last row into the hole, so a scan never skips. The search
 * (exact and IVF) lives in MemoryIndex; this is only where rows are and how they move.
 * Fields are public for the index's hot loops, which read them millions of times a query.
 */
export class RowStore {
  norms = new Float32Array(0);
  ids: string[] = [];
  namespaces: (string | undefined)[] = [];
  metadata: (Metadata | undefined)[] = [];
  readonly rowOf = new Map<string, number>();
  /** A view of the kernel memory, renewed when the memory grows (`f32`). */
  private memBuffer: ArrayBuffer | undefined;
  private memF32 = new Float32Array(0);

  constructor(
    private readonly kernel: Kernel,
    private readonly arena: Arena<IndexRegion>,
    readonly dimensions: number,
    /** Floats per stored row (dimensions padded to the kernel step). */
    readonly stride: number,
    private readonly maxRows: number,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  /** Room for `rows` rows, growing by half (never past `maxRows`: a full shard wastes nothing). */
  reserve(rows: number): void {
    const bytes = this.stride * 4;
    const cap = this.arena.capacity("data") / bytes;
    if (rows > cap) this.arena.ensure("data", Math.min(this.maxRows, Math.max(rows, Math.ceil(cap * 1.5))) * bytes, 1);
    if (rows > this.norms.length) {
      const norms = new Float32Array(Math.min(this.maxRows, Math.max(rows, Math.ceil(this.norms.length * 1.5))));
      norms.set(this.norms);
      this.norms = norms;
    }
  }

  rowPtr(row: number): number {
    return this.arena.offset("data") + row * this.stride * 4;
  }

  /** A float view of the whole kernel memory (renewed after the memory grows). */
  f32(): Float32Array {
    const buffer = this.kernel.buffer();
    if (buffer !== this.memBuffer) {
      this.memBuffer = buffer;
      this.memF32 = new Float32Array(buffer);
    }
    return this.memF32;
  }

  /** Writes `r` into its row, or a new row at the end; the caller has reserved room. */
  put(r: VectorRecord): { row: number; isNew: boolean } {
    let row = this.rowOf.get(r.id);
    const isNew = row === undefined;
    if (row === undefined) {
      row = this.ids.length;
      this.ids.push(r.id);
      this.namespaces.push(undefined);
      this.metadata.push(undefined);
      this.rowOf.set(r.id, row);
    }
    this.norms[row] = writeRow(this.f32(), this.rowPtr(row) >> 2, r.values, this.dimensions, this.stride);
    this.namespaces[row] = r.namespace;
    this.metadata[row] = r.metadata;
    return { row, isNew };
  }

  /**
   * Removes `row` by moving the last row into it. Returns the row that moved (the old last
   * row, now at `row`), or undefined when `row` was the last.
   */
  remove(row: number): number | undefined {
    const id = this.ids[row]!;
    const last = this.ids.length - 1;
    let moved: number | undefined;
    if (row !== last) {
      const bytes = this.stride * 4;
      new Uint8Array(this.kernel.buffer()).copyWithin(this.rowPtr(row), this.rowPtr(last), this.rowPtr(last) + bytes);
      this.norms[row] = this.norms[last]!;
      this.ids[row] = this.ids[last]!;
      this.namespaces[row] = this.namespaces[last];
      this.metadata[row] = this.metadata[last];
      this.rowOf.set(this.ids[row]!, row);
      moved = last;
    }
    this.ids.pop();
    this.namespaces.pop();
    this.metadata.pop();
    this.rowOf.delete(id);
    return moved;
  }

  /**
   * A copy of the row's vector, as a Float32Array (which Vectorize's VectorFloatArray allows):
   * a record crosses an RPC boundary as one buffer, not as an array of numbers, and every
   * caller stores it as a Float32Array anyway. Under the soak's mix building and cloning
   * `Array.from` copies was the largest self time of the index's isolate.
   */
  values(row: number): Float32Array {
    const o = this.rowPtr(row) >> 2;
    return this.f32().slice(o, o + this.dimensions);
  }

  record(id: string): VectorRecord | undefined {
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    const ns = this.namespaces[row];
    const md = this.metadata[row];
    return {
      id,
      values: this.values(row),
      ...(ns !== undefined ? { namespace: ns } : {}),
      ...(md !== undefined ? { metadata: md } : {}),
    };
  }

  /**
   * Moves row r to `to[r]` for every row, vectors and all that is kept beside them. In place:
   * a row moves along its permutation cycle with two rows of scratch.
   */
  permute(to: Int32Array): void {
    const n = this.size;
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
  }
}

/**
 * Writes `values` as float32 at float offset `o` of `f`, zero-padded to `stride`, and returns
 * the norm of what was written: rounded before squaring, so the norm is that of what is scored
 * (a stored row and a query alike).
 */
export function writeRow(f: Float32Array, o: number, values: ArrayLike<number>, dims: number, stride: number): number {
  let s = 0;
  for (let i = 0; i < dims; i++) {
    const v = Math.fround(values[i]!);
    f[o + i] = v;
    s += v * v;
  }
  f.fill(0, o + dims, o + stride);
  return Math.sqrt(s);
}
