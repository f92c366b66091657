/**
 * The item-to-item family's search (docs/decisions.md, "A second model family"): EASE for
 * catalogues up to EASE_MAX_ITEMS (its dense inverse is O(n^3): 2,000 items take 4-6 s on one
 * core), cosine item-kNN above. On the same validation split as the ALS search (same seed
 * rule, tuning.ts), so an `auto` job compares the families on equal terms.
 */
import { EASE_MAX_ITEMS, easeModel } from "./ease";
import type { InteractionMatrix } from "./interactions";
import { itemKnnModel } from "./item-knn";
import { itemToItemScorer, type ItemToItemModel } from "./item-to-item";
import { evaluate, popularityScorer, sampleTestUsers, splitPerUser, usersWithTestItems, type HoldOut } from "./metrics";
import {
  beatsPopularity,
  EVAL_K,
  MAX_VALIDATION_USERS,
  MIN_VALIDATION_USERS,
  round,
  VALIDATION_FRACTION,
  type Trial,
  type TuningReport,
} from "./tuning";

export type ItemToItemAlgorithm = "ease" | "item_knn";
export type ItemToItemSettings = {
  algorithm: ItemToItemAlgorithm;
  neighbours: number;
  lambda?: number;
  shrink?: number;
};

/** Neighbours kept per item: the artifact is nItems x N x 8 bytes, loaded by each serving isolate. */
export const ITEM_TO_ITEM_NEIGHBOURS = 50;
/** Largest catalogue an item-to-item model is trained for: 50k items x 50 neighbours is a 20 MB artifact per isolate. */
export const ITEM_TO_ITEM_MAX_ITEMS = 50_000;

export const ITEM_TO_ITEM_SEARCH = {
  lambda: [10, 100, 500, 2000],
  shrink: [0, 10, 50],
} as const;

export function algorithmFor(nItems: number): ItemToItemAlgorithm {
  return nItems <= EASE_MAX_ITEMS ? "ease" : "item_knn";
}

/** Fits one item-to-item model (the final fit and every trial). */
export function fitItemToItem(train: InteractionMatrix, s: ItemToItemSettings): ItemToItemModel {
  return s.algorithm === "ease"
    ? easeModel(train, { lambda: s.lambda, neighbours: s.neighbours })
    : itemKnnModel(train, { shrink: s.shrink, neighbours: s.neighbours });
}

export type ItemToItemGiven = { lambda?: number; shrink?: number; neighbours?: number };

/** Chooses lambda (EASE) or shrink (kNN) on validation; the trigger's values are used as given. */
export async function tuneItemToItem(
  train: InteractionMatrix,
  options: {
    given: ItemToItemGiven;
    seed: number;
    now?: () => number;
    onTrial?: (t: Trial<Record<string, number | string>>, done: number, planned: number) => void | Promise<void>;
  },
): Promise<TuningReport<ItemToItemSettings, Record<string, number | string>>> {
  if (train.nItems > ITEM_TO_ITEM_MAX_ITEMS)
    throw new RangeError(
      `item_to_item is trained for catalogues up to ${ITEM_TO_ITEM_MAX_ITEMS} items (this one has ${train.nItems}); use matrix_factorization`,
    );
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const algorithm = algorithmFor(train.nItems);
  const neighbours = options.given.neighbours ?? ITEM_TO_ITEM_NEIGHBOURS;
  const knob = algorithm === "ease" ? "lambda" : "shrink";
  const given = options.given[knob];
  const values: readonly number[] = given !== undefined ? [given] : ITEM_TO_ITEM_SEARCH[knob];
  const split = splitPerUser(train, { mode: "fraction", fraction: VALIDATION_FRACTION, seed: options.seed + 1 });
  const validation: HoldOut = sampleTestUsers(split, MAX_VALIDATION_USERS, options.seed + 2);
  const validationUsers = usersWithTestItems(validation);
  const pop = evaluate(popularityScorer(validation.train), validation, EVAL_K);
  const fixed = [
    ...(given !== undefined ? [knob] : []),
    ...(options.given.neighbours !== undefined ? ["neighbours"] : []),
  ];
  const base = {
    model_type: "item_to_item",
    fixed,
    search_space: { [knob]: ITEM_TO_ITEM_SEARCH[knob] },
    popularity: { ndcg_at_10: round(pop.ndcg), recall_at_10: round(pop.recall) },
    validation_users: validationUsers,
    budget_seconds: 0,
  };
  const settingsOf = (v: number): ItemToItemSettings => ({ algorithm, neighbours, [knob]: v });
  if (validationUsers < MIN_VALIDATION_USERS) {
    return {
      ...base,
      chosen: settingsOf(given ?? (knob === "lambda" ? 100 : 10)),
      trials: [],
      best: null,
      seconds: round((now() - t0) / 1000),
      verdict: "not_validated",
      note: `too little data to validate (${validationUsers} users with validation items, ${MIN_VALIDATION_USERS} needed)`,
    };
  }
  const trials: Trial<Record<string, number | string>>[] = [];
  let best: { v: number; ndcg: number; recall: number } | undefined;
  for (const v of values) {
    const started = now();
    const model = fitItemToItem(validation.train, settingsOf(v));
    const e = evaluate(itemToItemScorer(model, validation.train), validation, EVAL_K);
    const trial = {
      stage: 1,
      model_type: "item_to_item",
      params: { ...settingsOf(v) },
      ndcg_at_10: round(e.ndcg),
      recall_at_10: round(e.recall),
      seconds: round((now() - started) / 1000),
    };
    trials.push(trial);
    if (!best || e.ndcg > best.ndcg) best = { v, ndcg: e.ndcg, recall: e.recall };
    await options.onTrial?.(trial, trials.length, values.length);
  }
  return {
    ...base,
    chosen: settingsOf(best!.v),
    trials,
    best: { ndcg_at_10: round(best!.ndcg), recall_at_10: round(best!.recall) },
    seconds: round((now() - t0) / 1000),
    verdict: beatsPopularity(best!.ndcg, pop.ndcg) ? "beats_popularity" : "below_popularity",
  };
}
