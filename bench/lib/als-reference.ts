/**
 * BASELINE for bench/train, not production code: implicit ALS (Hu, Koren and Volinsky 2008)
 * as the paper's equations read, written plainly: number[][] matrices, the shared Y^T Y and
 * each row's normal equations built with nested loops over all k x k entries, and each system
 * solved by Gaussian elimination with partial pivoting. Same objective and the same exact
 * solution per row as core/ml/als.ts with cgSteps = 0 and plain regularization, so the bench can
 * check both agree and time the difference in implementation.
 */

export type RefRows = { items: number[]; values: number[] }[];

/** Y^T Y by the definition: (Y^T Y)_ab = sum_i Y_ia Y_ib. */
export function refGram(y: number[][], k: number): number[][] {
  const g: number[][] = [];
  for (let a = 0; a < k; a++) {
    g.push([]);
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (const row of y) s += row[a]! * row[b]!;
      g[a]!.push(s);
    }
  }
  return g;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A and b are copied). */
export function gaussianSolve(aIn: number[][], bIn: number[]): number[] {
  const n = bIn.length;
  const a = aIn.map((r, i) => [...r, bIn[i]!]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/**
 * One half-step for rows [0, limit): x_u = (Y^T Y + Y_u^T (C_u - I) Y_u + lambda I)^-1 Y_u^T C_u p_u,
 * writing into out[u]. Returns nothing; the caller times it.
 */
export function refHalfStep(
  rows: RefRows,
  other: number[][],
  out: number[][],
  k: number,
  lambda: number,
  alpha: number,
  limit: number,
): void {
  const g = refGram(other, k);
  for (let u = 0; u < limit; u++) {
    const { items, values } = rows[u]!;
    const a: number[][] = g.map((r) => [...r]);
    const b = new Array<number>(k).fill(0);
    for (let d = 0; d < k; d++) a[d]![d]! += lambda;
    for (let j = 0; j < items.length; j++) {
      const y = other[items[j]!]!;
      const r = values[j]!;
      const c = 1 + alpha * Math.abs(r);
      const p = r > 0 ? 1 : 0;
      for (let i1 = 0; i1 < k; i1++) {
        for (let i2 = 0; i2 < k; i2++) a[i1]![i2]! += (c - 1) * y[i1]! * y[i2]!;
        b[i1]! += c * p * y[i1]!;
      }
    }
    out[u] = gaussianSolve(a, b);
  }
}
