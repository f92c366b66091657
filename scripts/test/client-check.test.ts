import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFiles, GENERATED } from "../lib/client-files";
import { servedOpenApiDocument } from "../lib/openapi-document";

/**
 * The typed client (client/) against the document the api serves live: the bundled api worker
 * in workerd, asked for GET /openapi.json (scripts/lib/openapi-document.ts), the way
 * `npm run check` reads it.
 */
const repo = path.resolve(fileURLToPath(import.meta.url), "../../..");
const committed = (f: string) => readFileSync(path.join(repo, "client", f), "utf8");

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: repo }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, output: stdout + stderr }),
    );
  });
}
const tsx = path.join(repo, "node_modules/tsx/dist/cli.mjs");
/** The check of `npm run check` on a copy of the client, against a saved document standing in for the served one. */
const check = (clientDir: string, document: string) =>
  run(tsx, ["scripts/openapi-dump.ts", "--check", "--client-dir", clientDir, "--document", document]);

let live: unknown;
beforeAll(async () => {
  live = await servedOpenApiDocument();
});

describe("the committed client", () => {
  it("was generated from the document the api serves live", async () => {
    const fresh = await clientFiles(live);
    for (const f of GENERATED) expect(committed(f), f).toBe(fresh[f]);
    expect(JSON.parse(committed("openapi.json"))).toEqual(live);
  });
});

// That it passes on the committed client against the served document is the first test
// above, and `npm run check` itself.
describe("npm run check's client step", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "edge-ml-client-check-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function copyOfClient(name: string): string {
    const dir = path.join(work, name);
    cpSync(path.join(repo, "client"), dir, { recursive: true });
    return dir;
  }

  it("fails, naming both files, when the api serves a document the committed client was not generated from", async () => {
    // The api lost a route nobody regenerated the client for.
    const drifted = structuredClone(live) as { paths: Record<string, unknown> };
    delete drifted.paths["/search"];
    const served = path.join(work, "drifted.json");
    writeFileSync(served, JSON.stringify(drifted));

    const { code, output } = await check(copyOfClient("drifted-document"), served);
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL .*openapi\.json is stale/);
    expect(output).toMatch(/FAIL .*schema\.ts is stale/);
    expect(output).toContain("npm run client:generate");
  });

  it("fails when the generated types were edited by hand, and passes on an untouched copy", async () => {
    const served = path.join(work, "live.json");
    writeFileSync(served, JSON.stringify(live));
    const untouched = await check(copyOfClient("untouched"), served);
    expect(untouched.output).toContain("match the api's /openapi.json");
    expect(untouched.code).toBe(0);

    const dir = copyOfClient("edited-types");
    const schema = path.join(dir, "src/schema.ts");
    writeFileSync(schema, readFileSync(schema, "utf8").replace('"/search": {', '"/search-renamed": {'));
    const { code, output } = await check(dir, served);
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL .*schema\.ts is stale/);
    expect(output).not.toMatch(/openapi\.json is stale/);
  });
});

describe("the client", () => {
  it("compiles against the live document, and its types refuse what the document does not declare", async () => {
    // Inside the repository (dist/ is ignored), so openapi-fetch resolves from node_modules.
    const dir = path.join(repo, "dist/test/client-compile");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, "src"), { recursive: true });
    cpSync(path.join(repo, "client/src"), path.join(dir, "src"), { recursive: true });
    writeFileSync(path.join(dir, "src/schema.ts"), (await clientFiles(live))["src/schema.ts"]);
    writeFileSync(path.join(dir, "usage.ts"), USAGE);
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2023",
          lib: ["ES2023", "DOM"],
          module: "ES2022",
          moduleResolution: "bundler",
          strict: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          noEmit: true,
          types: [],
        },
        include: ["src/*.ts", "usage.ts"],
      }),
    );
    const { code, output } = await run(path.join(repo, "node_modules/typescript/bin/tsc"), ["-p", dir]);
    expect(output).toBe("");
    expect(code).toBe(0);
  }, 120_000);
});

/** Typed calls that must compile, and mistakes (`@ts-expect-error`) that must not. */
const USAGE = `
import { createEdgeMlClient, unwrap } from "./src/index";

const client = createEdgeMlClient({ baseUrl: "http://127.0.0.1:8787", token: "sk_test_x" });

export async function typed(): Promise<string | undefined> {
  const results = await unwrap(client.GET("/search", { params: { query: { q: "shoes", k: 5 } } }));
  const first: string | undefined = results[0]?.product_id;
  const recs = await unwrap(client.POST("/api/v1/recommendations", { body: { user_id: "u1", count: 3 } }));
  const score: number | undefined = recs.recommendations[0]?.score;
  const titled = await unwrap(client.GET("/search", { params: { query: { q: "shoes", include: "item" } } }));
  const title: string | undefined = titled[0]?.title;
  const item = await unwrap(client.GET("/api/v1/items/{item_id}", { params: { path: { item_id: "item_456" } } }));
  const tags: string[] = item.tags;
  // @ts-expect-error: include takes only the values the document lists
  await client.GET("/search", { params: { query: { q: "x", include: "everything" } } });
  // @ts-expect-error: the item route needs its path parameter
  await client.GET("/api/v1/items/{item_id}", {});
  // @ts-expect-error: /search requires q
  await client.GET("/search", { params: { query: { k: 1 } } });
  // @ts-expect-error: no such route
  await client.GET("/api/v1/no-such-route");
  return first ?? title ?? tags[0] ?? String(score);
}
`;
