import type { InteractionTypeName } from "../ingest/labels";
import { INTERACTION_TYPES } from "../schemas/common";

/**
 * What a user has consumed: items never offered to them again, however old the event.
 * Which interaction types count is the tenant's setting `consumed_interaction_types`
 * (default purchase and dislike; add view for a newsroom that should not repeat an article,
 * or [] for a shop that sells repeat purchases). user_items keeps one bit per type seen on a
 * pair, so a changed policy applies to all history at once, with no rewrite.
 */
export const DEFAULT_CONSUMED_TYPES: readonly InteractionTypeName[] = ["purchase", "dislike"];

/** The bit of an interaction type in user_items.types (its position in INTERACTION_TYPES; migration 0008 spells them out). */
export function typeBit(type: InteractionTypeName): number {
  return 1 << INTERACTION_TYPES.indexOf(type);
}

export function typeMask(types: readonly InteractionTypeName[]): number {
  let mask = 0;
  for (const t of types) mask |= typeBit(t);
  return mask;
}

/** The interaction types whose bits are set in `mask`. */
export function typesOfMask(mask: number): InteractionTypeName[] {
  return INTERACTION_TYPES.filter((t) => (mask & typeBit(t)) !== 0);
}
