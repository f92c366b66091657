import { Rng } from "../ml/random";

/**
 * Seeded test data: vectors, mixtures and shuffles, the same in Node and in workerd (this file
 * imports no binding), so a failure reproduces from its seed. Everything draws from core's
 * `Rng` unless a test needs the stream its thresholds were tuned on (`xorshift32`).
 */

/** A source of uniform 32-bit draws: core's `Rng`, or a legacy stream. */
export type Draws = Pick<Rng, "nextU32">;

const TWO_32 = 4294967296;

/**
 * Marsaglia's xorshift32, the stream vector-approximate.test.ts's recall thresholds
 * (>= 0.95 over clustered data) were measured on: kept bit for bit so the thresholds mean
 * what they meant. New tests use `Rng`.
 */
export function xorshift32(seed: number): Draws {
  let x = seed;
  return {
    nextU32() {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    },
  };
}

/** Uniform in [lo, hi). */
export function uniform(draws: Draws, lo = 0, hi = 1): number {
  return lo + (hi - lo) * (draws.nextU32() / TWO_32);
}

/** Uniform in (0, 1): never 0, so its logarithm is finite. */
function openUniform(draws: Draws): number {
  return (draws.nextU32() + 0.5) / TWO_32;
}

/** Standard normal by Box-Muller (the second value dropped). */
export function normal(draws: Draws): number {
  return Math.sqrt(-2 * Math.log(openUniform(draws))) * Math.cos(2 * Math.PI * openUniform(draws));
}

/** A seeded stream of uniform floats in [0, 1), for tests that draw sizes and values inline. */
export function uniforms(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** `n` vectors of `dims` values uniform in [-1, 1). */
export function vectors(n: number, dims: number, seed: number, draws: Draws = new Rng(seed)): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => uniform(draws, -1, 1)));
}

/**
 * A Gaussian mixture: `clusters` centres N(0, 1), points centre + N(0, spread^2), and `near(v)`,
 * a query close to `v` (v + N(0, 0.3^2)), drawn from the same stream.
 */
export function gaussianMixture(draws: Draws, n: number, dims: number, clusters: number, spread = 0.8) {
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dims }, () => normal(draws)));
  const point = () => centres[Math.floor(openUniform(draws) * clusters)]!.map((c) => c + spread * normal(draws));
  return {
    data: Array.from({ length: n }, point),
    near: (v: number[]) => v.map((c) => c + 0.3 * normal(draws)),
  };
}

/** A seeded Fisher-Yates shuffle (a copy). */
export function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
