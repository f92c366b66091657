/**
 * `npm run cf-typegen`: binding types for each worker from its wrangler.toml (never by
 * hand), plus one shared file of workerd runtime types.
 */
import { wrangler } from "./lib/run";
import { WORKERS } from "./lib/workers";

for (const w of WORKERS) {
  await wrangler(
    [
      "types",
      w.typesFile,
      "-c",
      w.config,
      "--env-interface",
      w.envInterface,
      "--include-runtime=false",
      "--strict-vars=false",
      "--env-file",
      ".dev.vars.example",
    ],
    { quiet: true },
  );
  console.log(`types: ${w.typesFile}`);
}
await wrangler(["types", "types/worker-configuration.d.ts", "-c", "wrangler.toml", "--include-env=false"], {
  quiet: true,
});
console.log("types: types/worker-configuration.d.ts");
