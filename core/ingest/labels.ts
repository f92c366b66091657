import type { INTERACTION_TYPES } from "../schemas/common";

export type InteractionTypeName = (typeof INTERACTION_TYPES)[number];

/**
 * Training label per interaction type (platform-api.md section 3: 0.0 negative to 1.0
 * positive). Stronger commitment, higher label; `dislike` is the one explicit negative.
 */
export const LABELS: Record<InteractionTypeName, number> = {
  purchase: 1.0,
  add_to_cart: 0.8,
  like: 0.7,
  click: 0.5,
  view: 0.2,
  remove_from_cart: 0.1,
  dislike: 0.0,
};

/** Weight of one event in item popularity; negative signals do not make an item popular. */
export const POPULARITY_WEIGHTS: Record<InteractionTypeName, number> = {
  purchase: 5,
  add_to_cart: 3,
  like: 2,
  click: 1,
  view: 0.5,
  remove_from_cart: 0,
  dislike: 0,
};
