import { readFileSync, writeFileSync } from "node:fs";
import { cf, cfJson, create, step } from "./deploy-wrangler";
import type { Plan } from "./deploy-plan";
import { readConfig } from "./wrangler-config";

/**
 * The account's resources the workers bind, each created when missing. Each is listed first
 * and created only when the list lacks it; a create that still answers "already exists" (a
 * list format that changed, a second deploy at once) counts as success, so re-running is safe.
 */

/** `name` as a whole word of wrangler's table output (so edge-ml-data does not match edge-ml-data-old). */
function listed(output: string, name: string): boolean {
  return new RegExp(`(^|[\\s|'"])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[\\s|'"])`, "m").test(output);
}

export async function ensureQueues(plan: Plan): Promise<void> {
  const existing = await cf(["queues", "list"]);
  for (const q of plan.queues) {
    if (!listed(existing, q)) await create(`queue ${q}`, ["queues", "create", q]);
  }
}

export async function ensureBuckets(plan: Plan): Promise<void> {
  const existing = await cf(["r2", "bucket", "list"]);
  for (const b of plan.buckets) {
    if (!listed(existing, b)) await create(`R2 bucket ${b}`, ["r2", "bucket", "create", b]);
  }
}

export async function ensureVectorIndexes(plan: Plan): Promise<void> {
  const indexes = await cfJson<{ name: string }[]>(["vectorize", "list", "--json"], []);
  for (const index of plan.vectorIndexes) {
    if (!indexes.some((i) => i.name === index.name)) {
      await create(`Vectorize index ${index.name} (${index.flags.join(" ")})`, [
        "vectorize",
        "create",
        index.name,
        ...index.flags,
      ]);
    }
    const fields = await cfJson<{ propertyName: string }[] | null>(
      ["vectorize", "list-metadata-index", index.name, "--json"],
      [],
    );
    for (const property of index.metadata) {
      if ((fields ?? []).some((f) => f.propertyName === property)) continue;
      await create(`metadata index ${index.name}.${property}`, [
        "vectorize",
        "create-metadata-index",
        index.name,
        `--propertyName=${property}`,
        "--type=string",
      ]);
    }
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

async function databaseId(name: string): Promise<string | undefined> {
  const list = await cfJson<{ name: string; uuid: string }[]>(["d1", "list", "--json"]);
  return list.find((d) => d.name === name)?.uuid;
}

/**
 * Finds or creates each D1 database and writes its id into every config that binds it (the
 * three workers share one): commit that change, as `wrangler deploy` by hand needs it too.
 */
export async function ensureDatabases(plan: Plan): Promise<void> {
  for (const db of plan.databases) {
    let id = await databaseId(db.name);
    if (!id) {
      step(`creating D1 database ${db.name}`);
      const out = await cf(["d1", "create", db.name]).catch(async (e) => {
        if (await databaseId(db.name)) return "";
        throw e;
      });
      id = UUID.exec(out)?.[0] ?? (await databaseId(db.name));
      if (!id) throw new Error(`could not read the new database id from wrangler's output:\n${out}`);
    }
    for (const w of plan.workers) writeDatabaseId(w.config, db.name, id);
  }
}

function writeDatabaseId(config: string, name: string, id: string): void {
  const bound = readConfig(config).d1_databases?.find((d) => d.database_name === name);
  if (!bound || bound.database_id === id) return;
  const text = readFileSync(config, "utf8");
  // The id line that follows this database's name: comments and layout stay as they are.
  const pattern = new RegExp(`(database_name\\s*=\\s*"${name}"\\s*\\n\\s*database_id\\s*=\\s*")[^"]*(")`);
  writeFileSync(config, text.replace(pattern, `$1${id}$2`));
  if (readConfig(config).d1_databases?.find((d) => d.database_name === name)?.database_id !== id) {
    throw new Error(`${config}: could not write database_id = "${id}" (put it there by hand, below database_name)`);
  }
  step(`${config}: database_id = "${id}"`);
}

/** Migrations go in before the code that reads the new schema is deployed. */
export async function applyMigrations(plan: Plan): Promise<void> {
  for (const db of plan.databases.filter((d) => d.migrations)) {
    step(`applying D1 migrations to ${db.name} (remote)`);
    await cf(["d1", "migrations", "apply", db.binding, "-c", db.config, "--remote"], { quiet: false });
  }
}
