import { describe, expect, it } from "vitest";
import {
  AlsParamsError,
  resolveAlsParams,
  solveFactors,
  trainAls,
  trainAlsAsync,
  validateAlsParams,
  type AlsProgress,
} from "../ml/als";
import { foldInEvents, foldInUser } from "../ml/fold-in";
import { buildInteractions, interactionsFromRows, mergeUserEvents } from "../ml/interactions";
import { evaluate, factorScorer, ndcgAtK, popularityScorer, recallAtK, splitPerUser, topK } from "../ml/metrics";
import { syntheticInteractions } from "../ml/synthetic";

const U = 500;
const I = 300;
const data = syntheticInteractions({ nUsers: U, nItems: I, nInteractions: 15_000, clusters: 10, seed: 7 });
const matrix = buildInteractions(data.users, data.items, data.labels, U, I, { timestamps: data.timestamps });
const split = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 3 });
const params = { factors: 16, iterations: 8, regularization: 5, alpha: 20, seed: 11 };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Bit-for-bit equality of two typed arrays (NaN-safe, -0 distinct from 0). */
function sameBytes(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

describe("implicit ALS", () => {
  it("recovers planted structure: held-out Recall@10 and NDCG@10 at least 2x popularity", () => {
    const model = trainAls(split.train, params);
    const als = evaluate(factorScorer(model.userFactors, model.itemFactors, params.factors), split, 10);
    const pop = evaluate(popularityScorer(split.train), split, 10);
    expect(als.users).toBeGreaterThan(400);
    expect(als.recall).toBeGreaterThanOrEqual(2 * pop.recall);
    expect(als.ndcg).toBeGreaterThanOrEqual(2 * pop.ndcg);
    expect(als.recall).toBeGreaterThan(0.3);
  });

  it("is deterministic with a seed: identical factors bit for bit, and a different seed differs", () => {
    const a = trainAls(split.train, { ...params, iterations: 3 });
    const b = trainAls(split.train, { ...params, iterations: 3 });
    expect(sameBytes(a.userFactors, b.userFactors)).toBe(true);
    expect(sameBytes(a.itemFactors, b.itemFactors)).toBe(true);
    expect(sameBytes(a.gram, b.gram)).toBe(true);
    expect(a.losses).toEqual(b.losses);
    const c = trainAls(split.train, { ...params, iterations: 3, seed: 12 });
    expect(maxAbsDiff(a.itemFactors, c.itemFactors)).toBeGreaterThan(0);
  });

  it("trainAlsAsync (the yield hook) gives the factors of trainAls bit for bit, in one slice or many", async () => {
    for (const extra of [{}, { cgSteps: 0 }, { frequencyScaling: 0.5 }]) {
      const p = { ...params, iterations: 3, ...extra };
      const sync = trainAls(split.train, p);
      for (const rowsPerSlice of [undefined, 7, 64]) {
        const hooked = await trainAlsAsync(split.train, p, { pause: async () => {}, rowsPerSlice });
        expect(sameBytes(hooked.userFactors, sync.userFactors)).toBe(true);
        expect(sameBytes(hooked.itemFactors, sync.itemFactors)).toBe(true);
        expect(sameBytes(hooked.gram, sync.gram)).toBe(true);
        expect(hooked.losses).toEqual(sync.losses);
        expect(hooked.params).toEqual(sync.params);
      }
    }
  });

  it("trainAlsAsync awaits pause() after every slice of rows and onIteration after every iteration", async () => {
    const steps: string[] = [];
    let pending = 0;
    const pause = () => {
      pending++;
      steps.push("pause");
      // A real turn of the microtask queue: the fit must not go on before the pause resolves.
      return Promise.resolve().then(() => {
        pending--;
      });
    };
    const onIteration = async (p: AlsProgress) => {
      expect(pending).toBe(0);
      steps.push(`iteration ${p.iteration}`);
    };
    await trainAlsAsync(split.train, { ...params, iterations: 2 }, { pause, rowsPerSlice: 64, onIteration });
    // 500 users in 8 slices of 64, then 300 items in 5, per iteration.
    const perIteration: string[] = Array(8 + 5).fill("pause");
    expect(steps).toEqual([...perIteration, "iteration 1", ...perIteration, "iteration 2"]);
    // A throw in onIteration (the trainer's stop check) ends the fit with that error.
    const stop = trainAlsAsync(split.train, params, {
      pause: async () => {},
      onIteration: (p) => {
        if (p.iteration === 2) throw new Error("stopped at 2");
      },
    });
    await expect(stop).rejects.toThrow("stopped at 2");
    await expect(trainAlsAsync(split.train, params, { pause, rowsPerSlice: 0 })).rejects.toThrow(RangeError);
  });

  it("training loss decreases every iteration, with CG and with the exact Cholesky solve", () => {
    for (const cgSteps of [3, 0]) {
      const seen: AlsProgress[] = [];
      const model = trainAls(split.train, { ...params, cgSteps }, { onIteration: (p) => seen.push(p) });
      expect(seen.map((p) => p.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(seen.every((p) => p.iterations === 8 && p.seconds >= 0 && Number.isFinite(p.loss))).toBe(true);
      for (let i = 1; i < model.losses.length; i++) expect(model.losses[i]!).toBeLessThan(model.losses[i - 1]!);
    }
  });

  it("fold-in of a training user equals the exact user step on the final item factors", () => {
    const model = trainAls(split.train, params);
    const k = params.factors;
    const users = { ptr: split.train.userPtr, idx: split.train.userItems, val: split.train.userValues, n: U };
    const xExact = Float32Array.from(model.userFactors);
    solveFactors(users, model.itemFactors, model.gram, xExact, { ...model.params, cgSteps: 0 });
    // One more user half-step, exact, against the final Y: what fold-in must reproduce.
    let worst = 0;
    for (const u of [0, 1, 17, 123, 499]) {
      const s = split.train.userPtr[u]!;
      const e = split.train.userPtr[u + 1]!;
      const x = foldInUser(model, split.train.userItems.subarray(s, e), split.train.userValues.subarray(s, e));
      const want = xExact.subarray(u * k, u * k + k);
      worst = Math.max(worst, maxAbsDiff(x, want) / norm(want));
    }
    expect(worst).toBeLessThan(1e-5);
    // The trained vector itself (solved against the previous item factors, by CG) is close too.
    const u = 17;
    const s = split.train.userPtr[u]!;
    const e = split.train.userPtr[u + 1]!;
    const x = foldInUser(model, split.train.userItems.subarray(s, e), split.train.userValues.subarray(s, e));
    const trained = model.userFactors.subarray(u * k, u * k + k);
    expect(maxAbsDiff(x, trained) / norm(trained)).toBeLessThan(0.05);
  });

  it("fold-in from raw events merges them exactly as training did", () => {
    const rows = [
      { user_id: "a", item_id: "i1", label: 0.2, timestamp: 1 },
      { user_id: "a", item_id: "i2", label: 1.0, timestamp: 2 },
      { user_id: "a", item_id: "i1", label: 0.5, timestamp: 3 },
      { user_id: "a", item_id: "i3", label: 0.5, timestamp: 4 },
      { user_id: "a", item_id: "i3", label: 0.0, timestamp: 5 },
      { user_id: "b", item_id: "i2", label: 0.7, timestamp: 6 },
    ];
    const { matrix: m, items } = interactionsFromRows(rows);
    const model = trainAls(m, { factors: 4, iterations: 2 });
    const fromEvents = foldInEvents(
      model,
      rows.filter((r) => r.user_id === "a").map((r) => items.get(r.item_id)!),
      rows.filter((r) => r.user_id === "a").map((r) => r.label),
    );
    const fromRow = foldInUser(model, m.userItems.subarray(0, m.userPtr[1]), m.userValues.subarray(0, m.userPtr[1]));
    expect(Array.from(fromEvents)).toEqual(Array.from(fromRow));
    // An empty history is the zero vector (the caller falls back to popularity).
    expect(Array.from(foldInUser(model, [], []))).toEqual([0, 0, 0, 0]);
  });

  it("rejects bad hyperparameters with field and message", () => {
    expect(validateAlsParams({ factors: 64, iterations: 10 })).toEqual([]);
    const issues = validateAlsParams({ factors: 0, regularization: 0, cgSteps: 1.5, alpha: Number.NaN, bogus: 1 });
    expect(issues.map((i) => i.field).sort()).toEqual(["alpha", "bogus", "cgSteps", "factors", "regularization"]);
    expect(issues.find((i) => i.field === "factors")!.message).toMatch(/integer >= 1 and <= 512/);
    expect(() => trainAls(split.train, { factors: 10_000 })).toThrow(AlsParamsError);
    try {
      resolveAlsParams({ iterations: -1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AlsParamsError);
      expect((e as AlsParamsError).field).toBe("iterations");
      expect((e as AlsParamsError).message).toMatch(/iterations: must be an integer >= 1 and <= 100, got -1/);
    }
  });
});

describe("interaction matrix", () => {
  it("merges duplicates (sum or max of positives; the latest dislike wins) with consistent CSR and CSC", () => {
    // user, item, label in time order
    const ev: [number, number, number][] = [
      [0, 2, 0.2],
      [1, 0, 0.5],
      [0, 2, 0.5],
      [0, 1, 0.7],
      [0, 1, 0.0],
      [1, 1, 0.0],
      [1, 1, 1.0],
      [0, 0, 0.8],
    ];
    const build = (merge: "sum" | "max") =>
      buildInteractions(
        ev.map((e) => e[0]),
        ev.map((e) => e[1]),
        ev.map((e) => e[2]),
        2,
        3,
        { merge, dislikeWeight: 0.5 },
      );
    const sum = build("sum");
    expect(sum.nnz).toBe(5);
    expect(Array.from(sum.userPtr)).toEqual([0, 3, 5]);
    expect(Array.from(sum.userItems)).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(sum.userValues)).toEqual([0.8, -0.5, 0.7, 0.5, 1.0].map(Math.fround));
    expect(Array.from(build("max").userValues)).toEqual([0.8, -0.5, 0.5, 0.5, 1.0].map(Math.fround));
    expect(Array.from(sum.itemPtr)).toEqual([0, 2, 4, 5]);
    expect(Array.from(sum.itemUsers)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(sum.itemValues)).toEqual([0.8, 0.5, -0.5, 1.0, 0.7].map(Math.fround));
    // Timestamps reorder a pair's events: a dislike that came first no longer wins.
    const timed = buildInteractions([0, 0], [0, 0], [1.0, 0.0], 1, 1, { timestamps: [5, 1] });
    expect(Array.from(timed.userValues)).toEqual([1]);
    expect(Array.from(mergeUserEvents([2, 1, 2], [0.2, 0.0, 0.5]).values)).toEqual([-1, 0.7].map(Math.fround));
    expect(() => buildInteractions([0], [3], [1], 1, 3)).toThrow(RangeError);
  });
});

describe("the pair merge rule is commutative (serving keeps it incrementally)", () => {
  it("sums every positive, is negative only when the latest event is a dislike, ties to the dislike", () => {
    const value = (events: [label: number, ts: number][]) =>
      buildInteractions(
        events.map(() => 0),
        events.map(() => 0),
        events.map((e) => e[0]),
        1,
        1,
        { timestamps: events.map((e) => e[1]) },
      ).userValues[0];
    // Disliked, then bought: positive, and the click before the dislike still counts.
    expect(
      value([
        [0.5, 1],
        [0.0, 2],
        [1.0, 3],
      ]),
    ).toBe(Math.fround(1.5));
    // Bought, then disliked: negative.
    expect(
      value([
        [1.0, 1],
        [0.0, 2],
      ]),
    ).toBe(-1);
    // A dislike and a purchase in the same second: the dislike wins.
    expect(
      value([
        [1.0, 5],
        [0.0, 5],
      ]),
    ).toBe(-1);
    expect(
      value([
        [0.0, 5],
        [1.0, 5],
      ]),
    ).toBe(-1);
    // Any arrival order gives the same value.
    const events: [number, number][] = [
      [0.2, 1],
      [0.0, 4],
      [0.5, 2],
      [0.8, 6],
      [1.0, 3],
    ];
    const permutations = [events, [...events].reverse(), [events[2]!, events[4]!, events[0]!, events[3]!, events[1]!]];
    for (const p of permutations) expect(value(p)).toBe(Math.fround(2.5));
  });
});

describe("ranking metrics", () => {
  it("computes Recall@k and NDCG@k on hand-checked cases", () => {
    const relevant = new Set([3, 7]);
    // hits at ranks 0 and 2 (0-based)
    expect(recallAtK([3, 1, 7, 2], relevant, 3)).toBe(1);
    expect(recallAtK([3, 1, 7, 2], relevant, 2)).toBe(0.5);
    expect(ndcgAtK([3, 1, 7], relevant, 3)).toBeCloseTo((1 + 1 / 2) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK([1, 3, 2], relevant, 3)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    // min(k, |relevant|) normalisation: one slot, one hit = perfect
    expect(recallAtK([7], relevant, 1)).toBe(1);
    expect(ndcgAtK([7], relevant, 1)).toBe(1);
    expect(recallAtK([1, 2], new Set<number>(), 2)).toBe(0);
  });

  it("ranks all items but the excluded, best first, ties to the lower index", () => {
    const scores = Float32Array.from([0.5, 0.9, 0.1, 0.9, 0.7, 0.2]);
    expect(Array.from(topK(scores, 3))).toEqual([1, 3, 4]);
    expect(Array.from(topK(scores, 3, [1, 4]))).toEqual([3, 0, 5]);
    expect(Array.from(topK(scores, 10, [0, 1, 2, 3]))).toEqual([4, 5]);
  });

  it("splits per user over distinct pairs, keeping negatives and one positive in training", () => {
    const h = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 3 });
    expect(h.train.nnz + h.testItems.length).toBe(matrix.nnz);
    for (let u = 0; u < U; u++) {
      const train = new Set(h.train.userItems.subarray(h.train.userPtr[u]!, h.train.userPtr[u + 1]!));
      const positives = matrix.userValues
        .subarray(matrix.userPtr[u]!, matrix.userPtr[u + 1]!)
        .filter((v) => v > 0).length;
      const test = h.testItems.subarray(h.testPtr[u]!, h.testPtr[u + 1]!);
      expect(test.length).toBe(Math.max(0, Math.min(Math.round(0.2 * positives), positives - 1)));
      for (const i of test) expect(train.has(i)).toBe(false);
    }
    const again = splitPerUser(matrix, { mode: "fraction", fraction: 0.2, seed: 3 });
    expect(Array.from(again.testItems)).toEqual(Array.from(h.testItems));
    // last-n: the newest positive of each user
    const last = splitPerUser(matrix, { mode: "last", n: 1 });
    const u = 5;
    let newest = -1;
    let newestItem = -1;
    for (let e = matrix.userPtr[u]!; e < matrix.userPtr[u + 1]!; e++) {
      if (matrix.userValues[e]! > 0 && matrix.userTimes![e]! >= newest) {
        newest = matrix.userTimes![e]!;
        newestItem = matrix.userItems[e]!;
      }
    }
    expect(Array.from(last.testItems.subarray(last.testPtr[u]!, last.testPtr[u + 1]!))).toEqual([newestItem]);
  });
});
