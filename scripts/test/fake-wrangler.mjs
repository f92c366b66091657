// A recording stand-in for wrangler, for the deploy test (nothing here may call Cloudflare).
// Appends each invocation's argv (and the names, never the values, of a --secrets-file) as a
// JSON line to $FAKE_WRANGLER_DIR/calls.jsonl, keeps an account's resources in state.json so
// a second deploy finds them, and prints what wrangler 4 prints (the bits the deploy parses).
// FAKE_WRANGLER_HIDE_LISTS=1 lists nothing, so every create meets "already exists"; but for
// `d1 list`, the one place a database's id comes from (the deploy re-lists after that error).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";

const dir = process.env.FAKE_WRANGLER_DIR;
const argv = process.argv.slice(2);
const stateFile = path.join(dir, "state.json");
const state = existsSync(stateFile)
  ? JSON.parse(readFileSync(stateFile, "utf8"))
  : { queues: [], buckets: [], databases: [], indexes: {}, workers: {} };
const hide = process.env.FAKE_WRANGLER_HIDE_LISTS === "1";
const flag = (name) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes("=") ? argv[i].slice(name.length + 1) : argv[i + 1];
};
const workerName = () => /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(flag("-c"), "utf8"))[1];
const record = {
  argv,
  ...(flag("--secrets-file") ? { secrets: Object.keys(JSON.parse(readFileSync(flag("--secrets-file"), "utf8"))) } : {}),
};
appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(record) + "\n");

const fail = (message) => {
  console.error(`✘ [ERROR] ${message}`);
  process.exit(1);
};
const save = () => writeFileSync(stateFile, JSON.stringify(state));
const list = (xs) => (hide ? [] : xs);
// wrangler mixes warnings into the output the deploy parses as JSON.
const warn = () => console.error("▲ [WARNING] The version of Wrangler you are using is now out-of-date. [update]");
const [a, b, c] = argv;

if (a === "whoami") {
  console.log("You are logged in with an API Token, associated with the email ops@example.com.");
} else if (a === "queues" && b === "list") {
  console.log("┌─────┬──────┐\n│ id │ name │");
  for (const q of list(state.queues)) console.log(`│ 0123 │ ${q} │`);
} else if (a === "queues" && b === "create") {
  if (state.queues.includes(c)) fail(`A request to the Cloudflare API failed. Queue name '${c}' is already taken.`);
  state.queues.push(c);
  save();
  console.log(`🌀 Creating queue '${c}'\n✅ Created queue '${c}'`);
} else if (a === "r2" && b === "bucket" && c === "list") {
  for (const name of list(state.buckets))
    console.log(`name:           ${name}\ncreation_date:  2026-01-01T00:00:00.000Z\n`);
} else if (a === "r2" && b === "bucket" && c === "create") {
  const name = argv[3];
  if (state.buckets.includes(name))
    fail("The bucket you tried to create already exists, and you own it. [code: 10004]");
  state.buckets.push(name);
  save();
  console.log(`✅ Created bucket '${name}' with default storage class of Standard.`);
} else if (a === "d1" && b === "list") {
  warn();
  console.log(JSON.stringify(state.databases, null, 2));
  warn();
} else if (a === "d1" && b === "create") {
  if (state.databases.some((d) => d.name === c)) fail("A database with that name already exists");
  const uuid = randomUUID();
  state.databases.push({ name: c, uuid });
  save();
  console.log(
    `✅ Successfully created DB '${c}'\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${c}"\ndatabase_id = "${uuid}"`,
  );
} else if (a === "d1" && b === "migrations") {
  console.log("🚣 2 commands executed successfully.\n✅ Applied migrations");
} else if (a === "vectorize" && b === "list") {
  console.log(JSON.stringify(list(Object.keys(state.indexes).map((name) => ({ name })))));
} else if (a === "vectorize" && b === "create") {
  if (state.indexes[c]) fail(`A Vectorize index named ${c} already exists [code: 3002]`);
  state.indexes[c] = { flags: argv.slice(3), metadata: [] };
  save();
  console.log(`✅ Successfully created a new Vectorize index: '${c}'`);
} else if (a === "vectorize" && b === "list-metadata-index") {
  console.log(
    JSON.stringify(
      list((state.indexes[c]?.metadata ?? []).map((propertyName) => ({ propertyName, indexType: "String" }))),
    ),
  );
} else if (a === "vectorize" && b === "create-metadata-index") {
  const property = flag("--propertyName");
  if (state.indexes[c].metadata.includes(property)) fail(`metadata index for ${property} already exists`);
  state.indexes[c].metadata.push(property);
  save();
  console.log("✅ Successfully enqueued metadata index creation request. Mutation changeset identifier: 0000.");
} else if (a === "secret" && b === "list") {
  const worker = state.workers[workerName()];
  if (!worker) fail("This Worker does not exist on your account. [code: 10007]");
  warn();
  console.log(
    JSON.stringify(
      worker.secrets.map((name) => ({ name, type: "secret_text" })),
      null,
      "  ",
    ),
  );
} else if (a === "deploy") {
  const name = workerName();
  // Like wrangler: a worker's first deploy needs its `[secrets] required` in the secrets file.
  const required = JSON.parse(/^required\s*=\s*(\[[^\]]*\])/m.exec(readFileSync(flag("-c"), "utf8"))?.[1] ?? "[]");
  const have = [...(state.workers[name]?.secrets ?? []), ...(record.secrets ?? [])];
  const lacking = required.filter((s) => !have.includes(s));
  if (lacking.length) fail(`The following required secrets have not been set: ${lacking.join(", ")}`);
  const worker = (state.workers[name] ??= { secrets: [] });
  worker.secrets = [...new Set([...worker.secrets, ...(record.secrets ?? [])])];
  save();
  console.log(
    `Uploaded ${name} (1.00 sec)\nDeployed ${name} triggers (0.50 sec)\n  https://${name}.example-sub.workers.dev`,
  );
} else {
  fail(`fake wrangler does not know: ${argv.join(" ")}`);
}
