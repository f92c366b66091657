/**
 * Compiles core/vector/wasm/kernel.wat to kernel.wasm (committed, so neither the workers'
 * build nor the tests need wabt). Run after editing the .wat: npm run build:wasm.
 * `--check` fails when the committed binary is not what the source compiles to.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import initWabt from "wabt";

const dir = path.resolve(import.meta.dirname, "../core/vector/wasm");
const source = path.join(dir, "kernel.wat");
const target = path.join(dir, "kernel.wasm");

const wabt = await initWabt();
const module = wabt.parseWat(source, readFileSync(source, "utf8"), { simd: true });
module.validate();
const binary = Buffer.from(module.toBinary({}).buffer);
module.destroy();

if (process.argv.includes("--check")) {
  const committed = readFileSync(target);
  if (!committed.equals(binary)) {
    console.error(`${path.relative(process.cwd(), target)} is stale: run npm run build:wasm`);
    process.exit(1);
  }
  console.log(`ok   ${path.relative(process.cwd(), target)} matches its source (${binary.length} bytes)`);
} else {
  writeFileSync(target, binary);
  console.log(`wrote ${path.relative(process.cwd(), target)} (${binary.length} bytes)`);
}
