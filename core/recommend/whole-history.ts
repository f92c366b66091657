/**
 * Pairs (distinct items) of a user's whole history that serving folds their vector in from:
 * the newest ones (user_items, ORDER BY last_ts DESC). Measured by bench/fold-in-cap.ts
 * (docs/benchmarks.md, "Whole history"): users with more distinct items than this rank as
 * well from their newest 2,000 as from all of them, while every pair costs a factor read and
 * k^2/2 multiply-adds in the request. The consumed set is never capped.
 */
export const FOLD_IN_MAX_PAIRS = 2000;
