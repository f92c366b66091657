/**
 * The typed client's generated files (client/openapi.json, client/src/schema.ts) from the api's
 * OpenAPI document as the bundled api worker serves it in workerd (scripts/lib/openapi-document.ts):
 * `npm run client:generate` writes them. `--check` (part of `npm run check`) generates them into
 * a temporary folder and fails when the committed ones differ: an API change without a
 * regenerated client. `--client-dir <dir>` checks another copy and `--document <file>` stands a
 * saved document in for the served one (the scripts tests: a drift without a second workerd).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { clientFiles, CLIENT_DIR, GENERATED } from "./lib/client-files";
import { servedOpenApiDocument } from "./lib/openapi-document";

const argv = process.argv.slice(2);
const dirFlag = argv.indexOf("--client-dir");
const clientDir = dirFlag >= 0 ? path.resolve(argv[dirFlag + 1]!) : CLIENT_DIR;
const docFlag = argv.indexOf("--document");
const document = docFlag >= 0 ? JSON.parse(readFileSync(argv[docFlag + 1]!, "utf8")) : await servedOpenApiDocument();
const files = await clientFiles(document);
const shown = (f: string) => path.relative(process.cwd(), path.join(clientDir, f));

if (argv.includes("--check")) {
  // Written out as well, so the message can point at a file to diff against.
  const fresh = mkdtempSync(path.join(tmpdir(), "edge-ml-client-"));
  const stale: string[] = [];
  for (const f of GENERATED) {
    mkdirSync(path.dirname(path.join(fresh, f)), { recursive: true });
    writeFileSync(path.join(fresh, f), files[f]);
    const committed = existsSync(path.join(clientDir, f)) ? readFileSync(path.join(clientDir, f), "utf8") : undefined;
    if (committed !== files[f]) stale.push(f);
  }
  if (stale.length) {
    for (const f of stale) {
      console.error(
        `FAIL ${shown(f)} is stale: the api serves a different /openapi.json (diff it with ${path.join(fresh, f)})`,
      );
    }
    console.error("     regenerate the typed client: npm run client:generate");
    process.exit(1);
  }
  rmSync(fresh, { recursive: true, force: true });
  console.log(`ok   ${GENERATED.map(shown).join(", ")} match the api's /openapi.json`);
} else {
  for (const f of GENERATED) {
    mkdirSync(path.dirname(path.join(clientDir, f)), { recursive: true });
    writeFileSync(path.join(clientDir, f), files[f]);
    console.log(`wrote ${shown(f)} (${files[f].length} bytes)`);
  }
}
