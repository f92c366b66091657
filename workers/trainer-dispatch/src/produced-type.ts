import { ARTIFACTS, REQUIRED_ARTIFACTS } from "@edge-ml/core/training/contract";
import type { TrainingJob as Job } from "@edge-ml/core/training/jobs";

/**
 * The family a completed job produced: its own type, or for `auto` the winner, which the
 * trainer writes as model.json's `model_type` (the version is registered under it).
 */
export async function producedType(env: DispatchEnv, job: Job, prefix: string): Promise<string | undefined> {
  if (job.modelType !== "auto") return job.modelType;
  const manifest = await env.DATA.get(`${prefix}${ARTIFACTS.manifest}`);
  if (!manifest) return undefined;
  const type = ((await manifest.json()) as { model_type?: unknown }).model_type;
  return typeof type === "string" && Object.hasOwn(REQUIRED_ARTIFACTS, type) ? type : undefined;
}
