import { describe, expect, it } from "vitest";
import {
  allocateRange,
  bucketRanges,
  chooseVariant,
  hashedVariant,
  movedBySplitChange,
} from "../experiments/assignment";
import { cupedAdjust } from "../experiments/cuped";
import {
  chiSquareSf,
  incompleteBeta,
  lnGamma,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from "../experiments/distributions";
import { bucketOf, fnv1a32 } from "../experiments/hash";
import { msprtRatio } from "../experiments/sequential";
import { checkSrm } from "../experiments/srm";
import { proportionTest, welchTest } from "../experiments/two-sample";
import { verdict } from "../experiments/verdict";
import { Rng } from "../ml/random";

/** Student's t two-sided tail by Simpson integration of the density: an independent check of the incomplete beta. */
function tTailByIntegration(t: number, df: number): number {
  const logC = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const pdf = (x: number) => Math.exp(logC - ((df + 1) / 2) * Math.log(1 + (x * x) / df));
  const steps = 20_000;
  const h = Math.abs(t) / steps;
  let s = pdf(0) + pdf(Math.abs(t));
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * pdf(i * h);
  return 1 - 2 * ((s * h) / 3);
}

describe("hashing and assignment", () => {
  it("is FNV-1a 32-bit (published test vectors) and buckets in [0, 1)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    const b = bucketOf("seed", "user_1");
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(1);
    expect(bucketOf("seed", "user_1")).toBe(b);
  });

  it("splits users by the weights, and a split change moves only the users between the boundaries", () => {
    const exp = {
      seed: "exp-1",
      variants: ["control", "treatment"],
      weights: [0.5, 0.5],
      namespace: "n",
      range: [0, 1] as const,
    };
    const users = Array.from({ length: 20_000 }, (_, i) => `u${i}`);
    const before = users.map((u) => hashedVariant(exp, u));
    const share = before.filter((v) => v === "control").length / users.length;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.015);
    const after = users.map((u) => hashedVariant({ ...exp, weights: [0.3, 0.7] }, u));
    const moved = users.filter((_, i) => before[i] !== after[i]);
    // Exactly the users in [0.3, 0.5) move, all from control to treatment: about 20%.
    expect(Math.abs(moved.length / users.length - 0.2)).toBeLessThan(0.015);
    for (const u of moved) {
      expect(hashedVariant(exp, u)).toBe("control");
      expect(movedBySplitChange({ ...exp, weights: [0.3, 0.7] }, u, [[0.5, 0.5]])).toBe(true);
    }
    const stayed = users.find((_, i) => before[i] === after[i])!;
    expect(movedBySplitChange({ ...exp, weights: [0.3, 0.7] }, stayed, [[0.5, 0.5]])).toBe(false);
    expect(bucketRanges([0.2, 0.3, 0.5])).toEqual([
      [0, 0.2],
      [0.2, 0.5],
      [0.5, 1],
    ]);
    expect(chooseVariant(0.9999, bucketRanges([0.1, 0.2, 0.7]))).toBe(2);
  });

  it("gives experiments of one namespace disjoint ranges, so they never share a user", () => {
    const first = allocateRange([], 0.5)!;
    const second = allocateRange([first], 0.5)!;
    expect(first).toEqual([0, 0.5]);
    expect(second).toEqual([0.5, 1]);
    expect(allocateRange([first, second], 0.1)).toBeUndefined();
    const a = { seed: "a", variants: ["c", "t"], weights: [0.5, 0.5], namespace: "search", range: first };
    const b = { ...a, seed: "b", range: second };
    let inA = 0;
    for (let i = 0; i < 5_000; i++) {
      const u = `user-${i}`;
      const va = hashedVariant(a, u);
      const vb = hashedVariant(b, u);
      expect(va === undefined || vb === undefined).toBe(true);
      expect(va !== undefined || vb !== undefined).toBe(true);
      if (va) inA++;
    }
    expect(Math.abs(inA / 5_000 - 0.5)).toBeLessThan(0.03);
  });
});

describe("distributions", () => {
  it("match published values of Φ, Φ⁻¹, t, chi-square and the incomplete beta", () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 13);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 9);
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 13);
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850709, 10);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.182446305284263, 9);
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(10.827566170662733, 1)).toBeCloseTo(0.001, 12);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 12);
  });

  it("give the t tail at fractional degrees of freedom that integrating the density gives", () => {
    for (const [t, df] of [
      [1.897, 5.88],
      [2.5, 3.3],
      [0.7, 41.2],
      [3.1, 1.7],
    ] as const) {
      expect(studentTTwoSided(t, df)).toBeCloseTo(tTailByIntegration(t, df), 8);
    }
  });
});

describe("two-sample tests", () => {
  it("z-tests two proportions with a pooled p-value and an unpooled interval", () => {
    const r = proportionTest({ n: 1000, x: 100 }, { n: 1000, x: 130 });
    expect(r.difference).toBeCloseTo(0.03, 12);
    expect(r.statistic).toBeCloseTo(2.1027, 3);
    expect(r.p_value).toBeCloseTo(0.0355, 3);
    const se = Math.sqrt((0.1 * 0.9) / 1000 + (0.13 * 0.87) / 1000);
    expect(r.ci[0]).toBeCloseTo(0.03 - 1.959964 * se, 6);
    expect(r.ci[1]).toBeCloseTo(0.03 + 1.959964 * se, 6);
    expect(proportionTest({ n: 0, x: 0 }, { n: 10, x: 1 }).p_value).toBe(1);
  });

  it("Welch-tests means with the Welch-Satterthwaite degrees of freedom", () => {
    const moments = (ys: number[]) => ({
      n: ys.length,
      sum: ys.reduce((s, y) => s + y, 0),
      sumSq: ys.reduce((s, y) => s + y * y, 0),
    });
    const r = welchTest(moments([1, 2, 3, 4, 5]), moments([2, 4, 6, 8, 10]));
    expect(r.statistic).toBeCloseTo(1.8973665961010275, 10);
    expect(r.df).toBeCloseTo(5.882352941176471, 10);
    expect(r.p_value).toBeCloseTo(tTailByIntegration(1.8973665961010275, 5.882352941176471), 8);
    const half = studentTQuantile(0.975, r.df) * Math.sqrt(2.5);
    expect(r.ci).toEqual([3 - half, 3 + half].map((x) => expect.closeTo(x, 10)));
  });

  it("flags a sample-ratio mismatch against the configured split, not against equal shares", () => {
    expect(checkSrm([9000, 1000], [0.9, 0.1]).mismatch).toBe(false);
    const bad = checkSrm([5200, 4800], [0.5, 0.5]);
    expect(bad.checked).toBe(true);
    expect(bad.p_value).toBeLessThan(0.001);
    expect(bad.mismatch).toBe(true);
    expect(checkSrm([5050, 4950], [0.5, 0.5]).mismatch).toBe(false);
    expect(checkSrm([30, 5], [0.5, 0.5]).checked).toBe(false);
  });

  it("blocks the verdict on a mismatch and names both methods", () => {
    const agg = (users: number, clickers: number) => ({ users, clickers, converters: 0, revenue: 0, revenueSq: 0 });
    const input = {
      variants: ["control", "treatment"],
      control: "control",
      weights: [0.5, 0.5],
      metrics: ["ctr"] as const,
      completed: false,
    };
    const win = verdict({ ...input, aggregates: { control: agg(20_000, 2_000), treatment: agg(20_000, 2_400) } });
    expect(win.winner).toBe("treatment");
    expect(win.recommendation).toBe("rollout");
    expect(win.method.sequential).toMatch(/mSPRT/);
    const blocked = verdict({ ...input, aggregates: { control: agg(22_000, 2_000), treatment: agg(18_000, 2_400) } });
    expect(blocked.srm.mismatch).toBe(true);
    expect(blocked.winner).toBeNull();
    expect(blocked.recommendation).toBe("continue");
    expect(blocked.reason).toMatch(/sample ratio mismatch/);
  });

  it("has a likelihood ratio of 1 at no data and the closed form of Johari et al. with n per arm", () => {
    const s2 = 0.09;
    const n = 1000;
    const tau2 = 1e-4;
    const d = 0.01;
    const paper =
      Math.sqrt((2 * s2) / (2 * s2 + n * tau2)) * Math.exp((n * n * tau2 * d * d) / (4 * s2 * (2 * s2 + n * tau2)));
    expect(msprtRatio(d, (2 * s2) / n, tau2)).toBeCloseTo(paper, 12);
    expect(msprtRatio(0.5, 0, tau2)).toBe(1);
  });

  it("CUPED keeps the difference unbiased and shrinks its variance by the covariate's correlation", () => {
    const rng = new Rng(7);
    const variants = [0, 1].map((arm) => {
      const m = { n: 0, sumX: 0, sumXSq: 0, sumY: 0, sumYSq: 0, sumXY: 0 };
      for (let i = 0; i < 4000; i++) {
        const x = 10 + 3 * rng.normal();
        const y = x + arm * 0.5 + rng.normal();
        m.n++;
        m.sumX += x;
        m.sumXSq += x * x;
        m.sumY += y;
        m.sumYSq += y * y;
        m.sumXY += x * y;
      }
      return m;
    });
    const raw = welchTest(...(variants.map((v) => ({ n: v.n, sum: v.sumY, sumSq: v.sumYSq })) as [never, never]));
    const { theta, adjusted } = cupedAdjust(variants);
    const adj = welchTest(adjusted[0]!, adjusted[1]!);
    expect(theta).toBeCloseTo(1, 1);
    expect(adj.difference).toBeCloseTo(0.5, 1);
    // y = x + noise with var(x) = 9, var(noise) = 1: the interval shrinks by about sqrt(10).
    expect((raw.ci[1] - raw.ci[0]) / (adj.ci[1] - adj.ci[0])).toBeGreaterThan(2.8);
  });
});

describe("per-variant intervals", () => {
  it("Wilson stays in [0, 1] and matches its closed form; the mean's interval is the t interval", async () => {
    const { wilsonInterval, meanInterval } = await import("../experiments/intervals");
    const [lo, hi] = wilsonInterval(2, 40);
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeCloseTo(0.013821, 5);
    expect(hi).toBeCloseTo(0.165039, 5);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    const [mlo, mhi] = meanInterval({ n: 5, sum: 15, sumSq: 55 });
    const half = studentTQuantile(0.975, 4) * Math.sqrt(2.5 / 5);
    expect(mlo).toBeCloseTo(3 - half, 10);
    expect(mhi).toBeCloseTo(3 + half, 10);
  });
});
