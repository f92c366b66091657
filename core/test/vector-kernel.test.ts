import { describe, expect, it } from "vitest";
import { createKernel, jsKernel, paddedDims, type Kernel } from "../vector/kernel";
import { Rng } from "../ml/random";
import kernelModule from "../vector/wasm/kernel.wasm";
import { uniform } from "./fixtures";

/** Writes `rows` random rows and a query into a kernel's memory; returns their offsets. */
function load(kernel: Kernel, dims: number, rows: number, seed: number) {
  const stride = paddedDims(dims);
  const rng = new Rng(seed);
  const next = () => uniform(rng, -100, 100);
  const q = 0;
  const base = stride * 4;
  const idx = base + rows * stride * 4;
  const out = idx + rows * 4;
  kernel.reserve(out + rows * 4);
  const f = new Float32Array(kernel.buffer());
  for (let r = 0; r <= rows; r++) {
    for (let d = 0; d < stride; d++) f[r * stride + d] = d < dims ? next() : 0;
  }
  const ix = new Int32Array(kernel.buffer(), idx, rows);
  for (let i = 0; i < rows; i++) ix[i] = (i * 7919) % rows;
  return { q, base, idx, out, bytes: stride * 4 };
}

describe("vector kernel (WASM SIMD128 and its JS fallback)", () => {
  it("loads the compiled module as a SIMD kernel in workerd", () => {
    expect(createKernel(kernelModule).kind).toBe("wasm-simd");
    expect(createKernel().kind).toBe("js");
  });

  it.each([3, 16, 100, 128, 384])("gives bit-identical scores for %i dimensions", (dims) => {
    const rows = 300;
    const results = [createKernel(kernelModule), jsKernel()].map((kernel) => {
      const m = load(kernel, dims, rows, dims);
      const read = () => Array.from(new Float32Array(kernel.buffer(), m.out, rows));
      kernel.dotRows(m.q, m.base, m.bytes, 0, rows, m.out);
      const dotRows = read();
      kernel.dotList(m.q, m.base, m.bytes, m.idx, rows, m.out);
      const dotList = read();
      kernel.l2Rows(m.q, m.base, m.bytes, 0, rows, m.out);
      const l2Rows = read();
      kernel.l2List(m.q, m.base, m.bytes, m.idx, rows, m.out);
      const l2List = read();
      return { dotRows, dotList, l2Rows, l2List, f: new Float32Array(kernel.buffer()), stride: m.bytes / 4 };
    });
    const [wasm, js] = results as [(typeof results)[0], (typeof results)[0]];
    expect(wasm.dotRows).toEqual(js.dotRows);
    expect(wasm.dotList).toEqual(js.dotList);
    expect(wasm.l2Rows).toEqual(js.l2Rows);
    expect(wasm.l2List).toEqual(js.l2List);
    // And both are the dot product and distance, to float32 precision.
    for (const r of [0, 1, rows - 1]) {
      let dot = 0;
      let scale = 0;
      let l2 = 0;
      for (let d = 0; d < dims; d++) {
        const a = js.f[d]!;
        const b = js.f[(r + 1) * js.stride + d]!;
        dot += a * b;
        scale += Math.abs(a * b);
        l2 += (a - b) ** 2;
      }
      expect(Math.abs(wasm.dotRows[r]! - dot) / scale).toBeLessThan(1e-5);
      expect(Math.abs(wasm.l2Rows[r]! - l2) / l2).toBeLessThan(1e-5);
    }
  });
});
