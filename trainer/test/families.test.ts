import { describe, expect, it } from "vitest";
import { ALS_DEFAULTS, AlsParamsError, trainAls } from "@edge-ml/core/ml/als";
import { buildInteractions } from "@edge-ml/core/ml/interactions";
import { encodeItemToItem } from "@edge-ml/core/ml/item-to-item";
import { syntheticInteractions } from "@edge-ml/core/ml/synthetic";
import { FALLBACK_PARAMS } from "@edge-ml/core/ml/tuning";
import { fitItemToItem } from "@edge-ml/core/ml/tuning-item-to-item";
import { alsCandidate, givenAlsParams, givenItemToItem, itemToItemCandidate, type Hooks } from "../src/families";

/** A small tenant (the sample data's scale): enough validation users for a real search. */
const U = 300;
const I = 200;
const data = syntheticInteractions({ nUsers: U, nItems: I, nInteractions: 7_500, clusters: 10, seed: 5 });
const matrix = buildInteractions(data.users, data.items, data.labels, U, I, { timestamps: data.timestamps });
/** A tiny one: too few users to validate on. */
const tiny = buildInteractions([0, 0, 1, 1, 2, 2, 3], [0, 1, 1, 2, 0, 2, 3], [1, 1, 1, 0.5, 1, 1, 1], 4, 4);

const noStop: Hooks = { checkStopped: () => {}, onTrial: () => {} };
const bytes = (a: Float32Array | Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const epochsOf = () => {
  const epochs: [number, number, number][] = [];
  const onEpoch = (epoch: number, of: number, loss: number) => void epochs.push([epoch, of, loss]);
  return { epochs, onEpoch };
};

describe("the job's ALS hyperparameters (givenAlsParams)", () => {
  it("maps the contract's snake_case names to the fit's options", () => {
    const hp = {
      factors: 8,
      iterations: 4,
      regularization: 2.5,
      alpha: 3,
      cg_steps: 0,
      frequency_scaling: 0.5,
      seed: 9,
    };
    expect(givenAlsParams(hp)).toEqual({
      factors: 8,
      iterations: 4,
      regularization: 2.5,
      alpha: 3,
      cgSteps: 0,
      frequencyScaling: 0.5,
      seed: 9,
    });
  });

  it("leaves out what the job did not give (those are searched or defaulted) and ignores other families' names", () => {
    expect(givenAlsParams({ factors: 16, lambda: 100, neighbours: 20 })).toEqual({ factors: 16 });
    expect(givenAlsParams({})).toEqual({});
    // The camelCase spelling is not the contract's: it does not count as given.
    expect(givenAlsParams({ cgSteps: 0, frequencyScaling: 1 })).toEqual({});
  });

  it("rejects an out-of-range value with the field's name", () => {
    expect(() => givenAlsParams({ cg_steps: 1.5 })).toThrow(AlsParamsError);
    expect(() => givenAlsParams({ frequency_scaling: 2 })).toThrow(/frequencyScaling: must be >= 0 and <= 1, got 2/);
    expect(() => givenAlsParams({ factors: 0 })).toThrow(/factors: must be an integer >= 1/);
  });

  it("maps the item-to-item names as given", () => {
    expect(givenItemToItem({ lambda: 50, shrink: 5, neighbours: 20, factors: 8 })).toEqual({
      lambda: 50,
      shrink: 5,
      neighbours: 20,
    });
  });
});

describe("the ALS candidate (alsCandidate)", () => {
  it("everything given: nothing searched, and the fit is core's trainAls with those settings, bit for bit", async () => {
    const hp = { factors: 8, regularization: 10, alpha: 4, frequency_scaling: 1, iterations: 3, seed: 7 };
    const candidate = await alsCandidate(matrix, hp, 42, noStop);
    expect(candidate.family).toBe("matrix_factorization");
    expect(candidate.tuning.trials).toEqual([]);
    expect(candidate.tuning.fixed).toEqual(["factors", "regularization", "alpha", "frequencyScaling"]);
    const { epochs, onEpoch } = epochsOf();
    const fitted = await candidate.fit(matrix, onEpoch);
    const params = { factors: 8, regularization: 10, alpha: 4, frequencyScaling: 1, iterations: 3, seed: 7 };
    const want = trainAls(matrix, params);
    expect(epochs).toEqual(want.losses.map((loss, n) => [n + 1, 3, loss]));
    expect(fitted.manifest.params).toEqual({ ...params, cgSteps: ALS_DEFAULTS.cgSteps });
    expect(fitted.manifest).toMatchObject({ factors: 8, regularization: 10, alpha: 4 });
    expect(fitted.loss).toBe(want.losses.at(-1));
    const [factors, gram] = fitted.artifacts;
    expect(factors!.name).toBe("item_factors.f32");
    expect(Array.from(factors!.bytes)).toEqual(bytes(want.itemFactors));
    expect(gram!.name).toBe("gram.f64");
    expect(Array.from(gram!.bytes)).toEqual(bytes(want.gram));
    // Frequency scaling reached the fit: without it the factors differ.
    const unscaled = trainAls(matrix, { ...params, frequencyScaling: 0 });
    expect(Array.from(factors!.bytes)).not.toEqual(bytes(unscaled.itemFactors));
  });

  it("nothing given on too little data: the fallback settings with the default iterations, solver and seed", async () => {
    const candidate = await alsCandidate(tiny, {}, 42, noStop);
    expect(candidate.tuning.verdict).toBe("not_validated");
    expect(candidate.tuning.chosen).toEqual({
      ...FALLBACK_PARAMS,
      iterations: ALS_DEFAULTS.iterations,
      cgSteps: ALS_DEFAULTS.cgSteps,
      seed: ALS_DEFAULTS.seed,
    });
    const { epochs, onEpoch } = epochsOf();
    const fitted = await candidate.fit(tiny, onEpoch);
    expect(epochs.map(([e, of]) => [e, of])).toEqual(
      Array.from({ length: ALS_DEFAULTS.iterations }, (_, n) => [n + 1, ALS_DEFAULTS.iterations]),
    );
    expect(fitted.artifacts[0]!.bytes.byteLength).toBe(tiny.nItems * FALLBACK_PARAMS.factors * 4);
  });

  it("searches what was not given, reporting every trial, and keeps the given values in every trial", async () => {
    const trials: [number, number][] = [];
    const hooks: Hooks = { checkStopped: () => {}, onTrial: (_, done, planned) => void trials.push([done, planned]) };
    const candidate = await alsCandidate(
      matrix,
      { factors: 8, alpha: 4, frequency_scaling: 0, iterations: 2 },
      42,
      hooks,
    );
    expect(candidate.tuning.fixed).toEqual(["factors", "alpha", "frequencyScaling"]);
    expect(candidate.tuning.trials.length).toBeGreaterThan(1);
    expect(trials.map(([done]) => done)).toEqual(candidate.tuning.trials.map((_, n) => n + 1));
    expect(candidate.tuning.trials.every((t) => t.params.factors === 8 && t.params.alpha === 4)).toBe(true);
    expect(candidate.tuning.chosen).toMatchObject({ factors: 8, alpha: 4, frequencyScaling: 0, iterations: 2 });
  });

  it("the fit lets the event loop run between slices, and a stop ends it", async () => {
    const candidate = await alsCandidate(
      matrix,
      { factors: 8, regularization: 10, alpha: 4, frequency_scaling: 0 },
      42,
      noStop,
    );
    let turns = 0;
    let fitting = true;
    const spin = () => {
      turns++;
      if (fitting) setImmediate(spin);
    };
    setImmediate(spin);
    const turnsAtEpoch: number[] = [];
    await candidate.fit(matrix, () => void turnsAtEpoch.push(turns));
    fitting = false;
    // Each iteration gave the event loop turns (one per half-step here): heartbeats can go out mid-fit.
    expect(turnsAtEpoch[0]).toBeGreaterThan(0);
    for (let n = 1; n < turnsAtEpoch.length; n++) expect(turnsAtEpoch[n]!).toBeGreaterThan(turnsAtEpoch[n - 1]!);

    let checks = 0;
    const stopping = await alsCandidate(tiny, {}, 42, {
      checkStopped: () => {
        if (++checks === 3) throw new Error("the dispatcher ended the job");
      },
      onTrial: () => {},
    });
    const { epochs, onEpoch } = epochsOf();
    await expect(stopping.fit(tiny, onEpoch)).rejects.toThrow("the dispatcher ended the job");
    expect(epochs).toHaveLength(2);
  });
});

describe("the item-to-item candidate (itemToItemCandidate)", () => {
  it("uses the given lambda and neighbours, and ships the neighbour lists of that fit", async () => {
    const candidate = await itemToItemCandidate(matrix, { lambda: 50, neighbours: 5 }, 42, noStop);
    expect(candidate.family).toBe("item_to_item");
    expect(candidate.tuning.fixed).toEqual(["lambda", "neighbours"]);
    expect(candidate.tuning.chosen).toEqual({ algorithm: "ease", lambda: 50, neighbours: 5 });
    expect(candidate.tuning.trials.map((t) => t.params)).toEqual([{ algorithm: "ease", lambda: 50, neighbours: 5 }]);
    const epochs: number[][] = [];
    const fitted = await candidate.fit(matrix, (epoch, of, loss) => void epochs.push([epoch, of, loss]));
    expect(epochs).toEqual([[1, 1, 0]]);
    expect(fitted.manifest).toEqual({ algorithm: "ease", lambda: 50, neighbours: 5, input: "binary positives" });
    expect(fitted.artifacts.map((a) => a.name)).toEqual(["neighbours.bin"]);
    const want = encodeItemToItem(fitItemToItem(matrix, { algorithm: "ease", lambda: 50, neighbours: 5 }));
    expect(Array.from(fitted.artifacts[0]!.bytes)).toEqual(Array.from(want));
  });
});
