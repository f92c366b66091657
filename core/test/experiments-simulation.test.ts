import { describe, expect, it } from "vitest";
import { proportionSequentialP } from "../experiments/sequential";
import { proportionTest } from "../experiments/two-sample";
import { verdict } from "../experiments/verdict";
import { Rng } from "../ml/random";

/**
 * Seeded simulations of whole experiments from aggregate counts (a binomial draw per batch
 * and arm, never an object per event), as the issue asks: the fixed-horizon test's false
 * positive rate, the same test read after every batch (which must visibly inflate), the
 * always-valid sequential test read the same way (which must not), and power at a planted lift.
 */

/** Binomial(n, p) by geometric skips between successes: O(n p) draws, not O(n). */
function binomial(rng: Rng, n: number, p: number): number {
  const logQ = Math.log(1 - p);
  let k = 0;
  let pos = Math.floor(Math.log(1 - rng.next()) / logQ);
  while (pos < n) {
    k++;
    pos += 1 + Math.floor(Math.log(1 - rng.next()) / logQ);
  }
  return k;
}

type Arm = { n: number; x: number };

function run(rng: Rng, batches: number, perBatch: number, pa: number, pb: number) {
  const a: Arm = { n: 0, x: 0 };
  const b: Arm = { n: 0, x: 0 };
  let peekedFixed = false;
  let sequential = false;
  let seqMin = 1;
  for (let i = 0; i < batches; i++) {
    a.n += perBatch;
    a.x += binomial(rng, perBatch, pa);
    b.n += perBatch;
    b.x += binomial(rng, perBatch, pb);
    if (proportionTest(a, b).p_value < 0.05) peekedFixed = true;
    seqMin = Math.min(seqMin, proportionSequentialP(a, b));
    if (seqMin < 0.05) sequential = true;
  }
  return { a, b, fixed: proportionTest(a, b), peekedFixed, sequential };
}

describe("simulated experiments", () => {
  it("keeps the error rates: fixed 5% ± 1.5 at the horizon, sequential ≤ 5% under peeking, fixed peeked visibly above", () => {
    const rng = new Rng(20261201);
    const runs = 2000;
    let fixed = 0;
    let peeked = 0;
    let sequential = 0;
    for (let r = 0; r < runs; r++) {
      const res = run(rng, 20, 250, 0.1, 0.1);
      if (res.fixed.p_value < 0.05) fixed++;
      if (res.peekedFixed) peeked++;
      if (res.sequential) sequential++;
    }
    const rate = (k: number) => k / runs;
    expect(Math.abs(rate(fixed) - 0.05)).toBeLessThanOrEqual(0.015);
    expect(rate(sequential)).toBeLessThanOrEqual(0.05);
    expect(rate(peeked)).toBeGreaterThan(0.1);
  });

  it("finds a planted 10% CTR lift (10% -> 11%) at 40,000 users per arm in at least 80% of runs", () => {
    const rng = new Rng(17);
    const runs = 200;
    let found = 0;
    for (let r = 0; r < runs; r++) {
      const res = run(rng, 1, 40_000, 0.1, 0.11);
      const v = verdict({
        variants: ["control", "treatment"],
        control: "control",
        weights: [0.5, 0.5],
        metrics: ["ctr"],
        completed: false,
        aggregates: {
          control: { users: res.a.n, clickers: res.a.x, converters: 0, revenue: 0, revenueSq: 0 },
          treatment: { users: res.b.n, clickers: res.b.x, converters: 0, revenue: 0, revenueSq: 0 },
        },
      });
      if (v.winner === "treatment") found++;
    }
    expect(found / runs).toBeGreaterThanOrEqual(0.8);
  });
});
