/**
 * Which trainer a job goes to (docs/trainer-contract.md section 1, "One trainer per model
 * type"): `TRAINER_URL_<MODEL_TYPE>` (TRAINER_URL_TWO_TOWER, TRAINER_URL_GNN,
 * TRAINER_URL_MATRIX_FACTORIZATION, ...) when set, else `TRAINER_URL`. A deployment keeps ALS
 * on a CPU host and sends two_tower and gnn to a GPU host; every type goes to TRAINER_URL when
 * nothing else is set. `TRAINER_URL_<TYPE> = "none"` says no trainer runs that type here: its
 * jobs fail at dispatch with that reason instead of being refused by a trainer that cannot.
 */
export const NO_TRAINER = "none";

export type TrainerRoute = { url: string } | { unconfigured: string };

export function trainerVarFor(modelType: string): string {
  return `TRAINER_URL_${modelType.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export function trainerFor(env: { TRAINER_URL: string }, modelType: string): TrainerRoute {
  const name = trainerVarFor(modelType);
  // Optional vars: absent from wrangler.toml (and so from the generated Env) unless set.
  const own = (env as unknown as Record<string, unknown>)[name];
  const url = typeof own === "string" && own.trim() !== "" ? own.trim() : env.TRAINER_URL;
  if (url === NO_TRAINER || url === "")
    return {
      unconfigured: `no trainer is configured for model_type ${modelType}: set ${name} (or TRAINER_URL) to a trainer that runs it (docs/deploy.md)`,
    };
  return { url: url.replace(/\/+$/, "") };
}
