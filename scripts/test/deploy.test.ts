import { execFile } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { experimental_readRawConfig } from "wrangler";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/**
 * `npm run deploy` against a recording stand-in for wrangler (fake-wrangler.mjs), in a copy
 * of the project's configs. The expected resources are read from the three wrangler.toml
 * files here, independently of the deploy's own reading, so a queue or bucket added to a
 * config and not created by the deploy fails this test.
 */
const repo = path.resolve(fileURLToPath(import.meta.url), "../../..");
const CONFIGS = ["wrangler.toml", "workers/ingest/wrangler.toml", "workers/trainer-dispatch/wrangler.toml"];
const COPIED = [
  ...CONFIGS,
  ".dev.vars.example",
  "workers/api/worker-configuration.d.ts",
  "workers/ingest/worker-configuration.d.ts",
  "workers/trainer-dispatch/worker-configuration.d.ts",
];
const URLS = { TRAINER_URL: "https://trainer.example.com", PUBLIC_URL: "https://edge-ml-api.example-sub.workers.dev" };

type Raw = {
  name: string;
  vars?: Record<string, string>;
  secrets?: { required?: string[] };
  d1_databases?: { database_name: string; database_id: string }[];
  r2_buckets?: { bucket_name: string }[];
  queues?: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
  vectorize?: { index_name: string }[];
  durable_objects?: { bindings?: { script_name?: string }[] };
  services?: { service: string }[];
};
type Call = { argv: string[]; secrets?: string[] };

let work: string;
const raw = (config: string): Raw => experimental_readRawConfig({ config: path.join(work, config) }).rawConfig as Raw;

function deploy(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repo, "node_modules/tsx/dist/cli.mjs"), path.join(repo, "scripts/deploy.ts"), ...args],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          EDGE_ML_WRANGLER: path.join(work, "wrangler"),
          FAKE_WRANGLER_DIR: work,
          ...env,
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}
const calls = (): Call[] =>
  existsSync(path.join(work, "calls.jsonl"))
    ? readFileSync(path.join(work, "calls.jsonl"), "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Call)
    : [];
const invoked = (...prefix: string[]) => calls().filter((c) => prefix.every((p, i) => c.argv[i] === p));
const deployOf = (config: string) => calls().find((c) => c.argv[0] === "deploy" && c.argv[2] === config);
const urlFlags = [`--trainer-url=${URLS.TRAINER_URL}`, `--public-url=${URLS.PUBLIC_URL}`];

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "edge-ml-deploy-test-"));
  for (const f of COPIED) cpSync(path.join(repo, f), path.join(work, f), { recursive: true });
  // The stand-in as an executable, as EDGE_ML_WRANGLER takes one.
  writeFileSync(
    path.join(work, "wrangler"),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(repo, "scripts/test/fake-wrangler.mjs")}" "$@"\n`,
  );
  chmodSync(path.join(work, "wrangler"), 0o755);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Who reads each secret, derived here: `[secrets] required`, or a string in the worker's Env that is no var. */
function expectedSecrets(): Map<string, Set<string>> {
  const example = [
    ...readFileSync(path.join(work, ".dev.vars.example"), "utf8").matchAll(/^([A-Z_][A-Z0-9_]*)=/gm),
  ].map((m) => m[1]!);
  const workers = CONFIGS.map((c) => ({
    raw: raw(c),
    types: readFileSync(
      path.join(work, path.dirname(c) === "." ? "workers/api" : path.dirname(c), "worker-configuration.d.ts"),
      "utf8",
    ),
  }));
  const out = new Map(workers.map((w) => [w.raw.name, new Set<string>()]));
  for (const name of new Set([...example, ...workers.flatMap((w) => w.raw.secrets?.required ?? [])])) {
    const readers = workers.filter(
      (w) =>
        w.raw.secrets?.required?.includes(name) ||
        (new RegExp(`^\\s*${name}: string;`, "m").test(w.types) && !(name in (w.raw.vars ?? {}))),
    );
    for (const w of readers.length ? readers : [workers[0]!]) out.get(w.raw.name)!.add(name);
  }
  return out;
}

describe("npm run deploy", () => {
  it("creates every resource the configs name, migrates, then deploys each worker after those it binds", async () => {
    const { code, output } = await deploy(urlFlags);
    expect(code, output).toBe(0);
    const configs = CONFIGS.map(raw);
    const queues = configs.flatMap((c) => [
      ...(c.queues?.producers ?? []).map((p) => p.queue),
      ...(c.queues?.consumers ?? []).flatMap((q) => [q.queue, q.dead_letter_queue].filter((x): x is string => !!x)),
    ]);
    expect(queues).toContain("edge-ml-ingest-dlq");
    for (const q of queues) expect(invoked("queues", "create", q), q).toHaveLength(1);
    for (const b of configs.flatMap((c) => c.r2_buckets ?? []))
      expect(invoked("r2", "bucket", "create", b.bucket_name)).toHaveLength(1);
    for (const v of configs.flatMap((c) => c.vectorize ?? [])) {
      expect(invoked("vectorize", "create", v.index_name)[0]?.argv).toContain("--preset=@cf/baai/bge-small-en-v1.5");
      const fields = invoked("vectorize", "create-metadata-index", v.index_name).map((c) =>
        c.argv.find((a) => a.startsWith("--propertyName=")),
      );
      // What the code filters on or reads back (workers/shared/vector, serving/services).
      expect(new Set(fields)).toEqual(
        new Set(["--propertyName=_id", "--propertyName=item_id", "--propertyName=category"]),
      );
    }
    // The D1 database is created once and its new id written into every config that binds it.
    const names = new Set(configs.flatMap((c) => (c.d1_databases ?? []).map((d) => d.database_name)));
    const state = JSON.parse(readFileSync(path.join(work, "state.json"), "utf8")) as {
      databases: { name: string; uuid: string }[];
    };
    for (const name of names) expect(invoked("d1", "create", name)).toHaveLength(1);
    for (const c of CONFIGS.map(raw)) {
      for (const d of c.d1_databases ?? [])
        expect(d.database_id).toBe(state.databases.find((x) => x.name === d.database_name)?.uuid);
    }

    const all = calls();
    const at = (c: Call | undefined) => all.findIndex((x) => x === c || JSON.stringify(x) === JSON.stringify(c));
    const deploys = all.filter((c) => c.argv[0] === "deploy");
    expect(deploys.map((d) => d.argv[2]).sort()).toEqual([...CONFIGS].sort());
    expect(deploys.at(-1)?.argv[2]).toBe("wrangler.toml");
    const migrate = invoked("d1", "migrations", "apply").find((c) => c.argv.includes("--remote"));
    expect(migrate).toBeDefined();
    const firstDeploy = at(deploys[0]);
    expect(at(migrate)).toBeLessThan(firstDeploy);
    for (const create of all.filter((c) => c.argv.includes("create") || c.argv.includes("create-metadata-index"))) {
      expect(at(create)).toBeLessThan(firstDeploy);
    }
    for (const [i, c] of CONFIGS.entries()) {
      const deps = [
        ...(configs[i]!.durable_objects?.bindings ?? []).flatMap((b) => b.script_name ?? []),
        ...(configs[i]!.services ?? []).map((s) => s.service),
      ];
      for (const dep of deps) {
        const depConfig = CONFIGS[configs.findIndex((x) => x.name === dep)]!;
        expect(at(deployOf(depConfig)), `${c} binds ${dep}`).toBeLessThan(at(deployOf(c)));
      }
    }

    for (const [worker, secrets] of expectedSecrets()) {
      const d = deployOf(CONFIGS[configs.findIndex((c) => c.name === worker)]!);
      expect(new Set(d?.secrets ?? []), worker).toEqual(secrets);
    }
    expect(deployOf("workers/trainer-dispatch/wrangler.toml")?.argv).toEqual(
      expect.arrayContaining([`TRAINER_URL:${URLS.TRAINER_URL}`, `PUBLIC_URL:${URLS.PUBLIC_URL}`]),
    );
    // The configs' ENVIRONMENT is npm start's ("development"); a deployment runs as production.
    expect(deployOf("wrangler.toml")?.argv).toEqual(expect.arrayContaining(["ENVIRONMENT:production"]));
    expect(output).toMatch(/this TRAINER_SHARED_SECRET \(shown once.*\): [A-Za-z0-9_-]{43}/);
    // The operator's token for GET /metrics: on the api only, shown once for Prometheus.
    expect([...expectedSecrets().get("edge-ml-api")!]).toContain("METRICS_TOKEN");
    expect(output).toMatch(/Prometheus .* this METRICS_TOKEN \(shown once.*\): [A-Za-z0-9_-]{43}/);
  });

  it("is idempotent: a second run creates nothing and keeps the secrets already set", async () => {
    expect((await deploy(urlFlags)).code).toBe(0);
    writeFileSync(path.join(work, "calls.jsonl"), "");
    const { code, output } = await deploy([], URLS);
    expect(code, output).toBe(0);
    expect(calls().filter((c) => c.argv.includes("create") || c.argv.includes("create-metadata-index"))).toEqual([]);
    expect(calls().filter((c) => c.secrets)).toEqual([]);
    expect(invoked("deploy")).toHaveLength(3);
    expect(output).not.toContain("TRAINER_SHARED_SECRET (shown once");
  });

  it('treats "already exists" as done when the lists miss what is there', async () => {
    expect((await deploy(urlFlags)).code).toBe(0);
    const { code, output } = await deploy(urlFlags, { FAKE_WRANGLER_HIDE_LISTS: "1" });
    expect(code, output).toBe(0);
    expect(output).toContain("already exists");
  });

  it("deploys a secret added to .dev.vars.example, and refuses a third-party one nobody gave", async () => {
    const example = path.join(work, ".dev.vars.example");
    writeFileSync(
      example,
      readFileSync(example, "utf8") + 'SECRETS_KEY="replace-me"\n# deploy: provide\nMAIL_API_KEY=""\n',
    );
    const refused = await deploy(urlFlags);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("MAIL_API_KEY must be provided");
    expect(invoked("deploy")).toEqual([]);
    const { code, output } = await deploy(urlFlags, { MAIL_API_KEY: "mk-123" });
    expect(code, output).toBe(0);
    // Declared by no worker's types yet: the api's, whose config sits beside .dev.vars.example.
    expect(deployOf("wrangler.toml")?.secrets).toEqual(
      expect.arrayContaining(["JWT_SECRET", "SECRETS_KEY", "MAIL_API_KEY"]),
    );
  });

  it("refuses without TRAINER_URL and PUBLIC_URL when nobody is at a terminal, before calling wrangler", async () => {
    const missing = await deploy([]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("TRAINER_URL is needed");
    const loopback = await deploy(["--trainer-url", "http://127.0.0.1:8790", `--public-url=${URLS.PUBLIC_URL}`]);
    expect(loopback.code).toBe(1);
    expect(loopback.output).toContain("Cloudflare cannot reach it");
    expect(calls()).toEqual([]);
  });
});
