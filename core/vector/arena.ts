import type { Kernel } from "./kernel";

/**
 * Named regions laid out one after another in a kernel's memory. Growing a region moves the
 * regions after it (WebAssembly memory grows only at its end and never shrinks), so the one
 * that grows with the data goes first and the small scratch regions after it. Offsets change
 * on `ensure`: read them, and take typed-array views, after the last `ensure` of a query.
 */
export class Arena<R extends string> {
  private readonly offsets = new Map<R, number>();
  private readonly caps = new Map<R, number>();

  constructor(
    private readonly kernel: Kernel,
    private readonly order: readonly R[],
  ) {
    for (const r of order) {
      this.offsets.set(r, 0);
      this.caps.set(r, 0);
    }
  }

  offset(r: R): number {
    return this.offsets.get(r)!;
  }

  capacity(r: R): number {
    return this.caps.get(r)!;
  }

  /** Bytes in use by all regions (what the index holds, not what the memory reserved). */
  get bytes(): number {
    const last = this.order[this.order.length - 1]!;
    return this.offset(last) + this.capacity(last);
  }

  /**
   * Makes region `r` hold at least `bytes`, growing by `growth` (amortized appends) and
   * keeping its contents and those of every region.
   */
  ensure(r: R, bytes: number, growth = 1.5): void {
    const cap = this.capacity(r);
    if (bytes <= cap) return;
    const next = align(Math.max(bytes, Math.floor(cap * growth)));
    const delta = next - cap;
    this.kernel.reserve(this.bytes + delta);
    const mem = new Uint8Array(this.kernel.buffer());
    const at = this.order.indexOf(r);
    for (let i = this.order.length - 1; i > at; i--) {
      const s = this.order[i]!;
      const o = this.offset(s);
      mem.copyWithin(o + delta, o, o + this.capacity(s));
      this.offsets.set(s, o + delta);
    }
    this.caps.set(r, next);
  }
}

/** 64-byte alignment: a kernel step, and a cache line. */
const align = (n: number) => Math.ceil(n / 64) * 64;

/** The regions of an index: rows first (they grow), then centroids and per-query scratch. */
export type IndexRegion = "data" | "centroids" | "query" | "idx" | "scores";
export const INDEX_REGIONS: readonly IndexRegion[] = ["data", "centroids", "query", "idx", "scores"];
