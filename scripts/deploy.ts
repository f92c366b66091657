/**
 * `npm run deploy`: the platform on the Cloudflare account wrangler is logged in to.
 *
 * Creates what is missing (the D1 database, the R2 bucket, the Vectorize index and its
 * metadata indexes), writes the database id into
 * the three wrangler.toml files, applies migrations remotely, sets a random JWT_SECRET
 * the first time, then deploys ingest, trainer-dispatch and api. Safe to run again.
 * docs/deploy.md explains each step and how to do it by hand.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { run, wrangler } from "./lib/run";
import { WORKERS } from "./lib/workers";

const PLACEHOLDER_DB_ID = "00000000-0000-4000-8000-000000000001";
const DB_NAME = "edge-ml";
const BUCKET = "edge-ml-data";
const step = (t: string) => console.log(`\x1b[36m[deploy]\x1b[0m ${t}`);
const remoteEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };

async function ensureDatabaseId(): Promise<string> {
  const list = JSON.parse(await wrangler(["d1", "list", "--json"], { quiet: true, env: remoteEnv })) as {
    name: string;
    uuid: string;
  }[];
  const existing = list.find((d) => d.name === DB_NAME);
  if (existing) return existing.uuid;
  step(`creating D1 database ${DB_NAME}`);
  const out = await wrangler(["d1", "create", DB_NAME], { quiet: true, env: remoteEnv });
  const id = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(out)?.[1];
  if (!id) throw new Error(`could not read the new database id from wrangler's output:\n${out}`);
  return id;
}

async function ensureBucket(): Promise<void> {
  const out = await wrangler(["r2", "bucket", "list"], { quiet: true, env: remoteEnv });
  if (out.includes(BUCKET)) return;
  step(`creating R2 bucket ${BUCKET}`);
  await wrangler(["r2", "bucket", "create", BUCKET], { quiet: true, env: remoteEnv });
}

/** The Vectorize index the api binds (VECTORIZE_TEXT), sized for bge-small, and its metadata indexes. */
const VECTORIZE_INDEX = { name: "edge-ml-text", dimensions: 384, metric: "cosine" };
/** Filtered and returned without `returnMetadata: "all"` only when indexed (lib/vector/vectorize-index.ts). */
const METADATA_INDEXES = ["_id", "item_id", "category"];

async function ensureVectorIndex(): Promise<void> {
  const out = await wrangler(["vectorize", "list", "--json"], { quiet: true, env: remoteEnv });
  if (out.includes(`"${VECTORIZE_INDEX.name}"`)) return;
  step(`creating Vectorize index ${VECTORIZE_INDEX.name}`);
  await wrangler(
    [
      "vectorize",
      "create",
      VECTORIZE_INDEX.name,
      `--dimensions=${VECTORIZE_INDEX.dimensions}`,
      `--metric=${VECTORIZE_INDEX.metric}`,
    ],
    { quiet: true, env: remoteEnv },
  );
  for (const property of METADATA_INDEXES) {
    await wrangler(
      ["vectorize", "create-metadata-index", VECTORIZE_INDEX.name, `--property-name=${property}`, "--type=string"],
      { quiet: true, env: remoteEnv },
    );
  }
}

function writeDatabaseId(id: string): void {
  for (const w of WORKERS) {
    const text = readFileSync(w.config, "utf8");
    const next = text.replace(/database_id = "[^"]*"/, `database_id = "${id}"`);
    if (next !== text) {
      writeFileSync(w.config, next);
      step(`${w.config}: database_id = ${id}`);
    }
  }
}

async function ensureJwtSecret(): Promise<void> {
  const list = await wrangler(["secret", "list", "-c", "wrangler.toml"], { quiet: true, env: remoteEnv }).catch(
    () => "[]",
  );
  if (list.includes("JWT_SECRET")) return;
  step("setting a random JWT_SECRET on the api worker");
  await run(
    "sh",
    [
      "-c",
      `printf %s "$SECRET" | "${process.execPath}" node_modules/wrangler/bin/wrangler.js secret put JWT_SECRET -c wrangler.toml`,
    ],
    { env: { ...remoteEnv, SECRET: randomBytes(48).toString("base64url") } },
  );
}

/**
 * The secret that signs job specs for the trainer (docs/trainer-contract.md). Generated once;
 * printed once, because the trainer host needs the same value.
 */
async function ensureTrainerSecret(): Promise<void> {
  const config = "workers/trainer-dispatch/wrangler.toml";
  const list = await wrangler(["secret", "list", "-c", config], { quiet: true, env: remoteEnv }).catch(() => "[]");
  if (list.includes("TRAINER_SHARED_SECRET")) return;
  const secret = randomBytes(32).toString("base64url");
  step("setting TRAINER_SHARED_SECRET on the trainer-dispatch worker");
  await run(
    "sh",
    [
      "-c",
      `printf %s "$SECRET" | "${process.execPath}" node_modules/wrangler/bin/wrangler.js secret put TRAINER_SHARED_SECRET -c ${config}`,
    ],
    { env: { ...remoteEnv, SECRET: secret } },
  );
  step(`give the trainer host this TRAINER_SHARED_SECRET (shown once): ${secret}`);
}

try {
  await wrangler(["whoami"], { quiet: true, env: remoteEnv });
} catch {
  console.error("[deploy] wrangler is not logged in: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN) first.");
  process.exit(1);
}
const id = await ensureDatabaseId();
if (id !== PLACEHOLDER_DB_ID) writeDatabaseId(id);
await ensureBucket();
await ensureVectorIndex();
step("applying D1 migrations remotely");
await wrangler(["d1", "migrations", "apply", "DB", "-c", "wrangler.toml", "--remote"], { env: remoteEnv });
// Consumers first, so the api never produces to a queue nobody consumes (edge-ml-refresh,
// from ingest to the api, is the exception: its messages wait for the api's deploy).
for (const w of [...WORKERS].reverse()) {
  step(`deploying ${w.name}`);
  await wrangler(["deploy", "-c", w.config], { env: remoteEnv });
}
await ensureJwtSecret();
await ensureTrainerSecret();
step("done. Create your first tenant: npm run tenant:create -- --remote --name <name> --email <email>");
