import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { cfJson, DeployRefusal } from "./deploy-wrangler";
import type { Plan, WorkerPlan } from "./deploy-plan";

/**
 * The workers' secrets: which exist, which worker reads each, and their values.
 *
 * The names come from `.dev.vars.example` (the local secrets, so a new one added there is
 * deployed too) and from each config's `[secrets] required`. A worker reads a secret when
 * its config requires it or its `wrangler types` Env declares it as a string that is not one
 * of its [vars]. A name of `.dev.vars.example` no worker declares (types not regenerated yet)
 * goes to the worker whose config sits beside the file, as `wrangler dev` gives it `.dev.vars`.
 *
 * A secret is random unless the comment line above it in `.dev.vars.example` says
 * `deploy: provide` (a third party's key): then it comes from the environment or a prompt.
 */
export type SecretSpec = { name: string; provided: boolean; workers: string[] };

const EXAMPLE = ".dev.vars.example";

/**
 * Secrets someone outside Cloudflare needs too, and who: printed once when generated.
 * METRICS_TOKEN is the bearer token Prometheus scrapes GET /metrics with.
 */
export const SHOWN_TO: Record<string, string> = {
  TRAINER_SHARED_SECRET: "the trainer host",
  METRICS_TOKEN: "your Prometheus scrape config (Authorization: Bearer, for GET /metrics)",
};

export function exampleSecrets(file = EXAMPLE): { name: string; provided: boolean }[] {
  if (!existsSync(file)) return [];
  const out: { name: string; provided: boolean }[] = [];
  let comment = "";
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (name) out.push({ name, provided: /deploy:\s*provide/i.test(comment) });
    comment = line.trim().startsWith("#") ? line : "";
  }
  return out;
}

/** String members of the worker's generated Env that are not its [vars]: its secrets. */
function typedSecrets(w: WorkerPlan): string[] {
  if (!existsSync(w.typesFile)) return [];
  const vars = new Set(Object.keys(w.raw.vars ?? {}));
  const names = [...readFileSync(w.typesFile, "utf8").matchAll(/^\s*([A-Z][A-Z0-9_]*): string;/gm)].map((m) => m[1]!);
  return names.filter((n) => !vars.has(n));
}

export function declaredSecrets(plan: Plan, example = EXAMPLE): SecretSpec[] {
  const fromExample = exampleSecrets(example);
  const required = plan.workers.flatMap((w) => w.raw.secrets?.required ?? []);
  const names = [...new Set([...fromExample.map((s) => s.name), ...required])];
  const besideExample = plan.workers.find((w) => path.dirname(w.config) === path.dirname(example));
  return names.map((name) => {
    const readers = plan.workers.filter(
      (w) => w.raw.secrets?.required?.includes(name) || typedSecrets(w).includes(name),
    );
    const workers = (readers.length ? readers : besideExample ? [besideExample] : []).map((w) => w.raw.name);
    return { name, provided: fromExample.find((s) => s.name === name)?.provided ?? false, workers };
  });
}

/** The secret names a deployed worker has; none before its first deploy. */
async function existingSecrets(config: string): Promise<Set<string>> {
  try {
    const list = await cfJson<{ name: string }[]>(["secret", "list", "-c", config]);
    return new Set(list.map((s) => s.name));
  } catch (e) {
    // Only "no such worker" means none: any other failure must not lead to new random values
    // replacing the live ones (a new JWT_SECRET logs every session out).
    if (/10007|does not exist|not found/i.test(String((e as Error).message))) return new Set();
    throw e;
  }
}

export type SecretValues = {
  /** Per worker name, the secrets to upload with its deploy (`--secrets-file`). */
  perWorker: Map<string, Record<string, string>>;
  /** Generated values someone outside Cloudflare needs (shown once). */
  shown: Record<string, string>;
  kept: string[];
};

/**
 * A secret already set is kept (its value cannot be read back, and rotating it would break
 * sessions or the trainer); one given in the environment under its own name is set (that is
 * how to rotate); a missing one is generated, or asked for when it must be provided.
 */
export async function resolveSecrets(
  plan: Plan,
  specs: SecretSpec[],
  ask: (question: string) => Promise<string | undefined>,
): Promise<SecretValues> {
  const existing = new Map<string, Set<string>>();
  for (const w of plan.workers) existing.set(w.raw.name, await existingSecrets(w.config));
  const result: SecretValues = { perWorker: new Map(plan.workers.map((w) => [w.raw.name, {}])), shown: {}, kept: [] };
  for (const spec of specs) {
    const missing = spec.workers.filter((w) => !existing.get(w)?.has(spec.name));
    const fromEnv = process.env[spec.name];
    let value: string | undefined;
    let targets = missing;
    if (fromEnv) {
      value = fromEnv;
      targets = spec.workers;
    } else if (missing.length === 0) {
      result.kept.push(spec.name);
      continue;
    } else if (missing.length < spec.workers.length) {
      throw new DeployRefusal(
        `${spec.name} is set on ${spec.workers.filter((w) => !missing.includes(w)).join(", ")} but not on ${missing.join(", ")}, ` +
          `and a secret cannot be read back: run again with ${spec.name}=<its value> (or a new one, to rotate it everywhere).`,
      );
    } else if (spec.provided) {
      value = await ask(`${spec.name} (for ${spec.workers.join(", ")})`);
      if (!value) throw new DeployRefusal(`${spec.name} must be provided: set ${spec.name}=... in the environment.`);
    } else {
      value = randomBytes(32).toString("base64url");
      if (SHOWN_TO[spec.name]) result.shown[spec.name] = value;
    }
    for (const w of targets) result.perWorker.get(w)![spec.name] = value;
  }
  return result;
}
