/**
 * The scoring kernel: float32 dot products and squared euclidean distances of one query
 * against many rows, written into a scores buffer. All operands live in the kernel's own
 * memory (byte offsets), so an index keeps its rows there and a query copies nothing but
 * itself. Two implementations with bit-identical results:
 *  - `wasm-simd`: kernel.wasm (SIMD128), about 10x plain JS. Workers cannot compile
 *    WebAssembly from bytes, so the caller passes a compiled `WebAssembly.Module` (a module
 *    import in workerd, `new WebAssembly.Module(bytes)` in Node);
 *  - `js`: the same arithmetic with `Math.fround`, lane for lane, when no module is given.
 * Each kernel owns one memory: one per index, so growing it never disturbs another index.
 */
export type KernelKind = "wasm-simd" | "js";

/** Rows are padded with zeros to a multiple of 16 floats (64 bytes): the kernel's step. */
export const STEP_FLOATS = 16;
export const paddedDims = (dims: number) => Math.ceil(dims / STEP_FLOATS) * STEP_FLOATS;

type Scan = (q: number, base: number, stride: number, from: number, n: number, out: number) => void;

export interface Kernel {
  readonly kind: KernelKind;
  /** The current memory; a view taken before `reserve` may be detached after it. */
  buffer(): ArrayBuffer;
  /** Makes the memory at least `bytes` long, keeping its contents. */
  reserve(bytes: number): void;
  /** out[i] = q . row(first + i), rows `stride` bytes apart from `base`. */
  dotRows: Scan;
  /** out[i] = q . row(idx[i]), `idx` an int32 array in memory. */
  dotList: Scan;
  /** out[i] = |q - row(first + i)|^2 */
  l2Rows: Scan;
  /** out[i] = |q - row(idx[i])|^2 */
  l2List: Scan;
}

const PAGE = 65536;

type Exports = {
  memory: WebAssembly.Memory;
  dot_rows: Scan;
  dot_list: Scan;
  l2_rows: Scan;
  l2_list: Scan;
};

/** A kernel over `module` (kernel.wasm), or the JS fallback when there is none or it fails. */
export function createKernel(module?: WebAssembly.Module): Kernel {
  if (module) {
    try {
      return wasmKernel(module);
    } catch {
      // An engine without SIMD128 refuses the module: same results, slower.
    }
  }
  return jsKernel();
}

function wasmKernel(module: WebAssembly.Module): Kernel {
  const e = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  return {
    kind: "wasm-simd",
    buffer: () => e.memory.buffer,
    reserve(bytes) {
      const have = e.memory.buffer.byteLength;
      if (bytes > have) e.memory.grow(Math.ceil((bytes - have) / PAGE));
    },
    dotRows: e.dot_rows,
    dotList: e.dot_list,
    l2Rows: e.l2_rows,
    l2List: e.l2_list,
  };
}

/** The fallback: kernel.wat's arithmetic in JS (4 accumulators of 4 lanes, float32 rounding). */
export function jsKernel(): Kernel {
  let mem = new ArrayBuffer(PAGE);
  let f32 = new Float32Array(mem);
  let i32 = new Int32Array(mem);
  const fr = Math.fround;
  const acc = new Float64Array(16);

  const reduce = (): number => {
    const lane = (l: number) => fr(fr(acc[l]! + acc[4 + l]!) + fr(acc[8 + l]! + acc[12 + l]!));
    return fr(fr(lane(0) + lane(1)) + fr(lane(2) + lane(3)));
  };
  const dot = (q: number, p: number, floats: number): number => {
    acc.fill(0);
    for (let i = 0; i < floats; i += 16) {
      for (let j = 0; j < 16; j++) acc[j] = fr(acc[j]! + fr(f32[q + i + j]! * f32[p + i + j]!));
    }
    return reduce();
  };
  const l2 = (q: number, p: number, floats: number): number => {
    acc.fill(0);
    for (let i = 0; i < floats; i += 16) {
      for (let j = 0; j < 16; j++) {
        const d = fr(f32[q + i + j]! - f32[p + i + j]!);
        acc[j] = fr(acc[j]! + fr(d * d));
      }
    }
    return reduce();
  };
  const rows =
    (f: typeof dot): Scan =>
    (q, base, stride, first, n, out) => {
      const floats = stride >> 2;
      for (let i = 0; i < n; i++) f32[(out >> 2) + i] = f(q >> 2, (base >> 2) + (first + i) * floats, floats);
    };
  const list =
    (f: typeof dot): Scan =>
    (q, base, stride, idx, n, out) => {
      const floats = stride >> 2;
      for (let i = 0; i < n; i++) f32[(out >> 2) + i] = f(q >> 2, (base >> 2) + i32[(idx >> 2) + i]! * floats, floats);
    };
  return {
    kind: "js",
    buffer: () => mem,
    reserve(bytes) {
      if (bytes <= mem.byteLength) return;
      const next = new ArrayBuffer(Math.ceil(bytes / PAGE) * PAGE);
      new Uint8Array(next).set(new Uint8Array(mem));
      mem = next;
      f32 = new Float32Array(mem);
      i32 = new Int32Array(mem);
    },
    dotRows: rows(dot),
    dotList: list(dot),
    l2Rows: rows(l2),
    l2List: list(l2),
  };
}
