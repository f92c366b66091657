import { resolveAlsParams, trainAlsAsync, type AlsParams } from "@edge-ml/core/ml/als";
import { encodeItemToItem, itemToItemScorer } from "@edge-ml/core/ml/item-to-item";
import type { InteractionMatrix } from "@edge-ml/core/ml/interactions";
import { factorScorer, type Scorer } from "@edge-ml/core/ml/metrics";
import { tuneAls, type Trial, type TuningReport } from "@edge-ml/core/ml/tuning";
import { fitItemToItem, tuneItemToItem, type ItemToItemGiven } from "@edge-ml/core/ml/tuning-item-to-item";
import { ARTIFACTS } from "@edge-ml/core/training/contract";

/**
 * The model families a job can train, each as "search on validation, then fit once": the
 * search's report, and the final fit on the training split giving the scorer the job
 * evaluates on the test split and the artifacts it uploads (docs/trainer-contract.md section 5).
 */
export type Family = "matrix_factorization" | "item_to_item";

export type Fitted = {
  scorer: Scorer;
  artifacts: { name: string; bytes: Uint8Array<ArrayBuffer> }[];
  /** Fields of model.json beyond the common ones (items, metrics, verdict, trained_at). */
  manifest: Record<string, unknown>;
  loss?: number;
};

export type Candidate = {
  family: Family;
  tuning: TuningReport<Record<string, number | string>, Record<string, number | string>>;
  fit(
    train: InteractionMatrix,
    onEpoch: (epoch: number, of: number, loss: number, seconds: number) => void,
  ): Promise<Fitted>;
};

export type Hooks = {
  checkStopped: () => void;
  onTrial: (t: Trial<Record<string, number | string>>, done: number, planned: number) => void | Promise<void>;
};

/**
 * What ALS awaits between slices of rows: one turn of the event loop, so HTTP, callbacks and
 * heartbeats keep flowing during a long fit (setImmediate runs after pending I/O callbacks).
 */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

const bytesOf = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer as ArrayBuffer, a.byteOffset, a.byteLength);

/** The contract's names (snake_case) -> the AlsParams a job fixed; tunable ones left out are searched. */
export function givenAlsParams(hp: Record<string, number>): Partial<AlsParams> {
  const given: Partial<AlsParams> = {
    factors: hp.factors,
    iterations: hp.iterations,
    regularization: hp.regularization,
    alpha: hp.alpha,
    cgSteps: hp.cg_steps,
    frequencyScaling: hp.frequency_scaling,
    seed: hp.seed,
  };
  for (const k of Object.keys(given) as (keyof AlsParams)[]) if (given[k] === undefined) delete given[k];
  resolveAlsParams(given); // throws AlsParamsError for a bad value
  return given;
}

export function givenItemToItem(hp: Record<string, number>): ItemToItemGiven {
  return { lambda: hp.lambda, shrink: hp.shrink, neighbours: hp.neighbours };
}

export async function alsCandidate(
  train: InteractionMatrix,
  hp: Record<string, number>,
  seed: number,
  hooks: Hooks,
): Promise<Candidate> {
  const given = givenAlsParams(hp);
  const fit = (m: InteractionMatrix, p: AlsParams) =>
    trainAlsAsync(m, p, { pause, onIteration: () => hooks.checkStopped() });
  const tuning = await tuneAls(train, fit, { given, seed, onTrial: hooks.onTrial });
  const params = resolveAlsParams(tuning.chosen);
  return {
    family: "matrix_factorization",
    tuning,
    async fit(m, onEpoch) {
      const final = await trainAlsAsync(m, params, {
        pause,
        onIteration: (p) => {
          hooks.checkStopped();
          onEpoch(p.iteration, p.iterations, p.loss, p.seconds);
        },
      });
      return {
        scorer: factorScorer(final.userFactors, final.itemFactors, params.factors),
        artifacts: [
          { name: ARTIFACTS.itemFactors, bytes: bytesOf(final.itemFactors) },
          { name: ARTIFACTS.gram, bytes: bytesOf(final.gram) },
        ],
        manifest: {
          factors: params.factors,
          regularization: params.regularization,
          alpha: params.alpha,
          params: final.params,
          interactions: { merge: "sum", dislike_weight: 1 },
        },
        loss: final.losses.at(-1) ?? 0,
      };
    },
  };
}

export async function itemToItemCandidate(
  train: InteractionMatrix,
  hp: Record<string, number>,
  seed: number,
  hooks: Hooks,
): Promise<Candidate> {
  const tuning = await tuneItemToItem(train, { given: givenItemToItem(hp), seed, onTrial: hooks.onTrial });
  const settings = tuning.chosen;
  return {
    family: "item_to_item",
    tuning: tuning as Candidate["tuning"],
    async fit(m, onEpoch) {
      const started = performance.now();
      const model = fitItemToItem(m, settings);
      onEpoch(1, 1, 0, (performance.now() - started) / 1000);
      return {
        scorer: itemToItemScorer(model, m),
        artifacts: [{ name: ARTIFACTS.neighbours, bytes: encodeItemToItem(model) as Uint8Array<ArrayBuffer> }],
        manifest: { ...settings, input: "binary positives" },
      };
    },
  };
}
