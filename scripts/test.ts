/**
 * `npm test`: the whole suite as two vitest runs side by side, the end-to-end project in one and
 * every other project in the other, each printing under its own prefix; exits non-zero when
 * either fails.
 *
 * Why two runs: on a 2-core machine vitest runs one file at a time (its default is cores - 1
 * workers), so the e2e files, which mostly wait on their own `npm start` stack (training,
 * queues, timers), and the workerd files, which mostly burn CPU, took turns: about 700 s in all.
 * Side by side they overlap, while the e2e files still run one after another (two `npm start`
 * stacks at once starve each other's trainer heartbeats). Arguments (`npm test -- <filters>`)
 * run one plain `vitest run` with them, as before.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));

function run(label: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, "run", ...args], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" },
      stdio: label ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    if (label) {
      // Line by line, so two runs' output never interleaves inside a line.
      for (const stream of [child.stdout!, child.stderr!]) {
        let rest = "";
        stream.on("data", (d: Buffer) => {
          const lines = (rest + d.toString()).split("\n");
          rest = lines.pop() ?? "";
          for (const line of lines) process.stdout.write(`[${label}] ${line}\n`);
        });
        stream.on("end", () => rest && process.stdout.write(`[${label}] ${rest}\n`));
      }
    }
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const extra = process.argv.slice(2);
if (extra.length > 0) {
  process.exit(await run("", extra));
}

const started = Date.now();
const [e2e, rest] = await Promise.all([
  run("e2e", ["--project", "e2e"]),
  run("unit", ["--project", "!e2e"]),
]);
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\nnpm test: e2e ${e2e === 0 ? "passed" : `failed (${e2e})`}, the other projects ${rest === 0 ? "passed" : `failed (${rest})`}, ${seconds} s`);
process.exit(e2e === 0 && rest === 0 ? 0 : 1);
