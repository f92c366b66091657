/**
 * `npm start`: the whole platform on this machine, no Cloudflare account needed.
 *
 * 1. a local JWT secret in .dev.vars (created once), and the key that seals signing secrets
 *    in D1 (SECRETS_KEY) in EDGE_ML_HOME beside the database it opens (created once);
 * 2. D1 migrations applied to the local database;
 * 3. on first run, a tenant with an admin user and an admin API key, printed once and
 *    saved to .edge-ml/credentials.json so a restart reuses them, with the operator's token for
 *    GET /metrics (`metrics_token`, the api's METRICS_TOKEN);
 * 4. the trainer (trainer/, a Node process on TRAINER_PORT) and the api, ingest and
 *    trainer-dispatch workers in one workerd, run by Miniflare's API with workerd serving
 *    the port itself (scripts/lib/serve-miniflare.ts); `npm run dev` (--dev) runs them under
 *    `wrangler dev --local` instead, which reloads on edit (scripts/lib/serve-wrangler.ts);
 * 5. waits for /health, loads the sample data (data/) on the first run, prints the URLs;
 * 6. on the first run, trains the first recommender on the sample data and the first classifier
 *    on the labelled news sample (data/news) through the api,
 *    printing its progress, and deploys it.
 *
 * Environment: PORT (default 8787), EDGE_ML_HOME (default .edge-ml), WRANGLER_LOG (warn),
 * WRANGLER_VARS ("NAME:value,..." overrides of the api's [vars]), EDGE_ML_BOOTSTRAP_PLAN (pro),
 * EDGE_ML_SAMPLE_DATA ("0" skips the sample data), EDGE_ML_TRAIN ("0" skips the first training),
 * EDGE_ML_TRAIN_CLASSIFIER ("0" skips the first classifier only),
 * TRAINER_PORT (default PORT + 3), TRAINER_GPU_PORT (the GPU trainer's, PORT + 4; it runs when
 * /usr/bin/python3 can import torch, scripts/lib/gpu-trainer.ts), EDGE_ML_LOCAL_TRACES ("1" turns on the local trace collector),
 * EDGE_ML_INSPECTOR ("1" opens the inspector on INSPECTOR_PORT under npm start; npm run dev always
 * does), EDGE_ML_CRONS ("0": no cron triggers under npm start). TRAINER_URL (with TRAINER_SHARED_SECRET) uses a trainer
 * running elsewhere instead of starting one. The trainer-dispatch worker's other [vars]
 * (HEARTBEAT_SECONDS, DISPATCH_MAX_ATTEMPTS, ...) can be overridden from the environment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { trainFirstClassifier } from "./lib/first-classifier";
import { trainFirstModel } from "./lib/first-training";
import {
  applyMigrations,
  createTenant,
  ensureMetricsToken,
  tenantExists,
  type TenantCredentials,
} from "./lib/bootstrap";
import { credentialsFile, homeDir, stateDir } from "./lib/paths";
import { sampleInteractions, sampleItems } from "./lib/sample-data";
import { WRANGLER_ENV } from "./lib/run";
import { WORKERS } from "./lib/workers";
import { writeLocalConfigs } from "./lib/local-configs";
import { parseVars, type Runtime } from "./lib/runtime";
import { serveWithMiniflare } from "./lib/serve-miniflare";
import { serveWithWrangler } from "./lib/serve-wrangler";
import { startGpuTrainer } from "./lib/gpu-trainer";

const port = Number(process.env.PORT ?? 8787);
// `npm run dev` (--dev): wrangler dev, which reloads on edit. `npm start`: scripts/lib/serve-miniflare.ts.
const dev = process.argv.includes("--dev");
const base = `http://127.0.0.1:${port}`;
const step = (text: string) => console.log(`\x1b[36m[edge-ml]\x1b[0m ${text}`);

function ensureDevVars(): void {
  if (existsSync(".dev.vars")) return;
  writeFileSync(".dev.vars", `JWT_SECRET="${randomBytes(48).toString("base64url")}"\n`, { mode: 0o600 });
  step("created .dev.vars with a random local JWT_SECRET");
}

/**
 * The local SECRETS_KEY (core/auth/sealed-secrets.ts): one per EDGE_ML_HOME, kept with the
 * database whose webhook and job secrets it seals, so a restart opens them again. Losing it
 * makes those rows unusable (webhooks must be re-created), never readable in the clear.
 */
function ensureSecretsKey(): string {
  if (process.env.SECRETS_KEY) return process.env.SECRETS_KEY;
  const file = path.join(homeDir(), "secrets-key");
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { mode: 0o600 });
    step(`created ${file} (the local key sealing webhook and job secrets in D1)`);
  }
  return readFileSync(file, "utf8").trim();
}

async function ensureTenant(target: {
  remote: false;
  persistTo: string;
}): Promise<{ creds: TenantCredentials; fresh: boolean }> {
  const file = credentialsFile();
  if (existsSync(file)) {
    const creds = JSON.parse(readFileSync(file, "utf8")) as TenantCredentials;
    if (await tenantExists(creds.tenant_id, target)) return { creds, fresh: false };
    step(`${file} names a tenant the local database does not have; bootstrapping a new one`);
  }
  const plan = (process.env.EDGE_ML_BOOTSTRAP_PLAN ?? "pro") as "starter" | "pro" | "enterprise";
  const creds = await createTenant(
    { name: "Local Demo", email: "admin@edge-ml.local", plan, keyEnvironment: "test" },
    target,
  );
  writeFileSync(file, JSON.stringify(creds, null, 2) + "\n", { mode: 0o600 });
  return { creds, fresh: true };
}

async function waitForHealth(child: { exitCode: number | null }, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no healthy answer from ${base}/health within ${timeoutMs / 1000} s`);
}

mkdirSync(homeDir(), { recursive: true });
const target = { remote: false as const, persistTo: stateDir() };
ensureDevVars();
const secretsKey = ensureSecretsKey();
step("applying D1 migrations to the local database");
await applyMigrations(target);
const { creds, fresh } = await ensureTenant(target);
const metricsToken = ensureMetricsToken(credentialsFile());

// The trainer: a local process unless TRAINER_URL names one elsewhere. The dispatch worker
// reads TRAINER_URL, PUBLIC_URL and TRAINER_SHARED_SECRET from this environment
// (workers/trainer-dispatch/wrangler.toml, [secrets]).
const trainerPort = Number(process.env.TRAINER_PORT ?? port + 3);
const externalTrainer = process.env.TRAINER_URL;
const trainerSecret = process.env.TRAINER_SHARED_SECRET ?? randomBytes(32).toString("base64url");
let trainer: ChildProcess | undefined;
if (!externalTrainer) {
  step(`starting the trainer on http://127.0.0.1:${trainerPort}`);
  trainer = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "trainer/src/server.ts"], {
    env: { ...process.env, TRAINER_PORT: String(trainerPort), TRAINER_SHARED_SECRET: trainerSecret },
    stdio: "inherit",
    // In npm start's own process group: a signal to the group (Ctrl+C, the e2e stack's stop)
    // reaches the trainer directly. Detached, it outlived npm start whenever start.ts was
    // killed before its handler ran (seen under the e2e stack: ppid 1, still on its port).
  });
}
// two_tower and gnn: the GPU trainer (scripts/lib/gpu-trainer.ts) unless TRAINER_URL_TWO_TOWER
// and TRAINER_URL_GNN, or TRAINER_URL, name trainers elsewhere.
const gpu =
  externalTrainer || process.env.TRAINER_URL_TWO_TOWER || process.env.TRAINER_URL_GNN
    ? { routes: {} }
    : startGpuTrainer({
        port: Number(process.env.TRAINER_GPU_PORT ?? port + 4),
        sharedSecret: trainerSecret,
        log: step,
      });
const workerEnv = {
  ...WRANGLER_ENV,
  ...gpu.routes,
  // auto's GPU candidates (docs/decisions.md "auto across trainers") only when asked for: on a
  // laptop or CI's CPU torch they would train two more models per auto job.
  AUTO_CANDIDATES: process.env.AUTO_CANDIDATES ?? "",
  TRAINER_URL: externalTrainer ?? `http://127.0.0.1:${trainerPort}`,
  TRAINER_SHARED_SECRET: trainerSecret,
  // The dispatcher reads it from here ([secrets] in its wrangler.toml); the api, whose
  // secrets come from .dev.vars, gets it as an override of its vars below.
  SECRETS_KEY: secretsKey,
  PUBLIC_URL: process.env.PUBLIC_URL ?? base,
};

const runtimeName = dev ? "wrangler dev (reloads on edit)" : "one workerd";
step(`starting ${WORKERS.map((w) => w.name).join(", ")} in ${runtimeName} on ${base}`);
const input = {
  port,
  inspectorPort: Number(process.env.INSPECTOR_PORT ?? port + 1000),
  persistTo: stateDir(),
  env: workerEnv,
  // WRANGLER_VARS="NAME:value,NAME2:value" overrides [vars] (used by the benchmarks).
  apiVars: { SECRETS_KEY: secretsKey, METRICS_TOKEN: metricsToken, ...parseVars(process.env.WRANGLER_VARS ?? "") },
  configs: writeLocalConfigs(),
  buildDir: path.join(homeDir(), "build"),
  log: step,
};
let runtime: Runtime;
try {
  runtime = dev ? serveWithWrangler(input) : await serveWithMiniflare(input);
} catch (e) {
  console.error(`[edge-ml] the runtime did not start: ${(e as Error).stack ?? e}`);
  trainer?.kill("SIGTERM");
  process.exit(1);
}
let exitCode: number | null = null;
/** SIGTERM to the trainer (tsx relays it to the trainer process), then SIGKILL after 3 s if it is still there. */
const trainerStopped = (): Promise<void> => {
  const child = trainer;
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  child.kill("SIGTERM");
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
};
const stop = (signal: NodeJS.Signals): Promise<unknown> => {
  process.exitCode = signal === "SIGINT" ? 130 : 143;
  gpu.child?.kill("SIGTERM");
  return Promise.all([runtime.stop(), trainerStopped()]);
};
process.on("SIGINT", () => {
  void Promise.all([stop("SIGINT"), runtime.exited]).then(() => process.exit(130));
});
process.on("SIGTERM", () => {
  void Promise.all([stop("SIGTERM"), runtime.exited]).then(() => process.exit(143));
});
void runtime.exited.then(async (code) => {
  exitCode = code;
  await stop("SIGTERM");
  process.exit(code);
});
trainer?.on("exit", (code, signal) => {
  if (exitCode === null) step(`the trainer exited (${signal ?? code}); training jobs will fail until it is back`);
});

try {
  await waitForHealth({
    get exitCode() {
      return exitCode;
    },
  });
} catch (e) {
  console.error(`[edge-ml] ${(e as Error).message}`);
  await stop("SIGTERM");
  process.exit(1);
}

/** First run only: the sample catalogue and synthetic events, through the public ingestion API. */
async function loadSampleData(): Promise<string> {
  const items = sampleItems();
  const events = sampleInteractions(items);
  const post = async (path: string, key: string, body: object) => {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${creds.admin_api_key}`,
        "content-type": "application/json",
        "idempotency-key": key,
      },
      body: JSON.stringify(body),
    });
    const result = (await res.json()) as { accepted?: number; rejected?: number };
    if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(result)}`);
    return result;
  };
  const i = await post("/internal/data/items", "sample-data-v1-items", { tenant_id: creds.tenant_id, items });
  const e = await post("/internal/data/interactions", "sample-data-v1-interactions", {
    tenant_id: creds.tenant_id,
    interactions: events,
  });
  return `${i.accepted} sample items (Luma catalogue) and ${e.accepted} synthetic events queued for ingestion`;
}

let sample = "sample data loaded on the first run";
let sampleEvents = 0;
if (fresh && process.env.EDGE_ML_SAMPLE_DATA !== "0") {
  try {
    sample = await loadSampleData();
    sampleEvents = Number(/(\d+) synthetic events/.exec(sample)?.[1] ?? 0);
  } catch (e) {
    sample = `sample data not loaded: ${(e as Error).message}`;
  }
}

console.log(`
\x1b[32medge-ml is running\x1b[0m
  Console        ${base}/app (log in with the admin login below)
  API            ${base}
  API reference  ${base}/docs
  OpenAPI        ${base}/openapi.json
  Health         ${base}/health
  Metrics        ${base}/metrics (Prometheus; Bearer metrics_token from ${credentialsFile()})

Local tenant "${creds.tenant_name}" (${creds.tenant_id})${fresh ? " - created now, shown once; also saved in " + credentialsFile() : " - from " + credentialsFile()}
  admin login    ${creds.admin_email} / ${fresh ? creds.admin_password : "(see the credentials file)"}
  admin API key  ${fresh ? creds.admin_api_key : creds.admin_api_key.slice(0, 14) + "... (see the credentials file)"}
  data           ${sample}

Try:
  curl -H "Authorization: Bearer $(node -p "require('${credentialsFile()}').admin_api_key")" ${base}/api/v1/tenant
Stop with Ctrl+C.
`);

// The first models, after the banner so the platform is usable meanwhile (EDGE_ML_TRAIN=0 skips):
// the recommender, then the classifier. In turn, not at once: both are CPU-bound in the one
// trainer process, and side by side on a small machine each slowed the other's heartbeats past
// a short HEARTBEAT_SECONDS (the e2e stack's 1 s: the dispatcher then failed the job).
if (sampleEvents > 0 && process.env.EDGE_ML_TRAIN !== "0") {
  step(await trainFirstModel(base, creds.admin_api_key, creds.tenant_id, sampleEvents, step));
  if (process.env.EDGE_ML_TRAIN_CLASSIFIER !== "0") step(await trainFirstClassifier(base, creds.admin_api_key, step));
}
