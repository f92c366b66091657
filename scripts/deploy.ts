/**
 * `npm run deploy`: the platform on the Cloudflare account wrangler is logged in to.
 *
 * 1. asks for (or refuses without) TRAINER_URL and PUBLIC_URL, before touching anything;
 * 2. creates what the three wrangler configs bind and the account lacks: every queue and
 *    dead-letter queue, the D1 database (its id written into the configs), the R2 bucket,
 *    the Vectorize index and its metadata indexes;
 * 3. applies the D1 migrations remotely;
 * 4. deploys the workers, each after those it binds (ingest, trainer-dispatch, api), each with
 *    its missing secrets (random, or given) uploaded in the same step.
 * Re-running is safe: what exists is kept, secrets included. docs/deploy.md explains each
 * step and how to do it by hand. EDGE_ML_WRANGLER replaces wrangler (the deploy test).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ask, urlInputs, type UrlInputs } from "./lib/deploy-inputs";
import { readPlan, type WorkerPlan } from "./lib/deploy-plan";
import {
  applyMigrations,
  ensureBuckets,
  ensureDatabases,
  ensureQueues,
  ensureVectorIndexes,
} from "./lib/deploy-resources";
import { declaredSecrets, resolveSecrets, SHOWN_TO, type SecretValues } from "./lib/deploy-secrets";
import { cf, DeployRefusal, step } from "./lib/deploy-wrangler";
import { WORKERS } from "./lib/workers";

const API_CONFIG = WORKERS[0].config;

async function deployWorker(w: WorkerPlan, urls: UrlInputs, secrets: SecretValues, dir: string): Promise<string> {
  // ENVIRONMENT: the configs say development (npm start's value); a deployment is production
  // (no secrets in logs, e.g. mail.ts's outbox notice).
  const given: Record<string, string> = { ...urls, ENVIRONMENT: "production" };
  const vars = Object.entries(given).flatMap(([k, v]) => (k in (w.raw.vars ?? {}) ? ["--var", `${k}:${v}`] : []));
  const own = secrets.perWorker.get(w.raw.name) ?? {};
  const args = ["deploy", "-c", w.config, ...vars];
  if (Object.keys(own).length) {
    // Uploaded with the version, so a first deploy never runs without them (wrangler refuses
    // a worker whose `[secrets] required` are missing); the file is removed right after.
    const file = path.join(dir, `${w.raw.name}.json`);
    writeFileSync(file, JSON.stringify(own), { mode: 0o600 });
    args.push("--secrets-file", file);
  }
  step(`deploying ${w.raw.name}${Object.keys(own).length ? ` with secrets ${Object.keys(own).join(", ")}` : ""}`);
  return cf(args, { quiet: false });
}

async function main(): Promise<void> {
  const urls = await urlInputs(process.argv.slice(2));
  const plan = readPlan();
  const specs = declaredSecrets(plan);
  try {
    await cf(["whoami"]);
  } catch {
    throw new DeployRefusal("wrangler is not logged in: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN) first.");
  }
  await ensureQueues(plan);
  await ensureDatabases(plan);
  await ensureBuckets(plan);
  await ensureVectorIndexes(plan);
  await applyMigrations(plan);
  const secrets = await resolveSecrets(plan, specs, ask);
  if (secrets.kept.length) step(`secrets already set, kept: ${secrets.kept.join(", ")}`);
  const dir = mkdtempSync(path.join(tmpdir(), "edge-ml-deploy-"));
  const printed = new Map<string, string>();
  try {
    for (const w of plan.workers) {
      printed.set(w.config, await deployWorker(w, urls, secrets, dir));
      // Right after it is stored: a later failure must not lose the only copy shown.
      for (const name of Object.keys(secrets.perWorker.get(w.raw.name) ?? {})) {
        const value = secrets.shown[name];
        if (value) step(`give ${SHOWN_TO[name]} this ${name} (shown once, not stored anywhere): ${value}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Warn when the URL the trainer was given is not where the api landed.
  const landed = /https:\/\/[^\s]+\.workers\.dev/.exec(printed.get(API_CONFIG) ?? "")?.[0];
  if (landed && !urls.PUBLIC_URL.startsWith(landed) && urls.PUBLIC_URL.includes("workers.dev")) {
    step(
      `\x1b[33mPUBLIC_URL is ${urls.PUBLIC_URL} but the api is at ${landed}: run again with --public-url=${landed}\x1b[0m`,
    );
  }
  step(`done: ${urls.PUBLIC_URL}/health`);
  step("first tenant: npm run tenant:create -- --remote --name <name> --email <email>");
}

try {
  await main();
} catch (e) {
  if (!(e instanceof DeployRefusal)) throw e;
  console.error(`[deploy] ${e.message}`);
  process.exit(1);
}
