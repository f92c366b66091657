/**
 * The few dense kernels ALS and fold-in need, over flat row-major typed arrays. Factors are
 * stored as Float32 (half the memory and bandwidth); every accumulation is done in float64
 * (JavaScript numbers), and k x k systems are kept in Float64Array, so the solves do not lose
 * precision to the storage type.
 */

/** out (k x k, float64) = F^T F for n rows of F (n x k, row-major). Symmetric; both halves written. */
export function gramMatrix(
  f: Float32Array,
  n: number,
  k: number,
  out: Float64Array = new Float64Array(k * k),
): Float64Array {
  out.fill(0);
  // Upper triangle only (half the work), row by row so F is read sequentially once.
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const fa = f[o + a]!;
      if (fa === 0) continue;
      const row = a * k;
      for (let b = a; b < k; b++) out[row + b]! += fa * f[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) out[b * k + a] = out[a * k + b]!;
  return out;
}

/**
 * Solves A x = b in place for symmetric positive definite A (k x k, float64, only the lower
 * triangle is read; it is overwritten by the Cholesky factor L). b becomes x.
 * Cost: k^3/6 multiply-adds for the factorisation, k^2 for the two triangular solves.
 * A pivot that rounding drives to zero or below (A is SPD in exact arithmetic whenever the
 * regularization is positive) is clamped to a tiny positive value instead of producing NaN.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    const rj = j * k;
    let d = a[rj + j]!;
    for (let p = 0; p < j; p++) d -= a[rj + p]! * a[rj + p]!;
    if (!(d > 1e-12)) d = 1e-12;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < k; i++) {
      const ri = i * k;
      let s = a[ri + j]!;
      for (let p = 0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
      a[ri + j] = s * inv;
    }
  }
  // L y = b
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= a[ri + p]! * b[p]!;
    b[i] = s / a[ri + i]!;
  }
  // L^T x = y
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let p = i + 1; p < k; p++) s -= a[p * k + i]! * b[p]!;
    b[i] = s / a[i * k + i]!;
  }
}

/** out[i] = F[i] . v for all n rows of F: the full score vector of one user over all items. */
export function scoreAll(f: Float32Array, n: number, k: number, v: ArrayLike<number>, out: Float32Array): Float32Array {
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let s = 0;
    for (let a = 0; a < k; a++) s += f[o + a]! * v[a]!;
    out[i] = s;
  }
  return out;
}
