import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIXTURES, parquetFixture, splitFixture } from "./gpu-fixtures";
import { PYTHON, TRAINER_GPU_DIR, torchMissing } from "./python";

/**
 * The GPU trainer's Python tests (trainer-gpu/tests, unittest) run here so that `npm test` and
 * CI run them. Without torch this fails, saying what to install: a GPU trainer that CI cannot
 * test is a defect, not a skip.
 */
describe("trainer-gpu (Python)", () => {
  it("its fixtures are what the TypeScript it ports writes today", () => {
    expect(readFileSync(new URL("events.parquet", FIXTURES))).toEqual(Buffer.from(parquetFixture()));
    expect(JSON.parse(readFileSync(new URL("split.json", FIXTURES), "utf8"))).toEqual(splitFixture());
  });

  it("passes its unittest suite on this host's PyTorch", () => {
    const missing = torchMissing();
    expect(missing, missing ?? "").toBeNull();
    const run = spawnSync(PYTHON, ["-m", "unittest", "discover", "-s", "tests", "-t", "."], {
      cwd: TRAINER_GPU_DIR,
      encoding: "utf8",
      timeout: 240_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    const ran = Number(/Ran (\d+) tests?/.exec(output)?.[1] ?? 0);
    expect(ran, output).toBeGreaterThanOrEqual(13);
    expect(output).not.toMatch(/skipped/);
  }, 300_000);
});
