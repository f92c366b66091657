import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Runs the README's `npm start` in a fresh state folder on its own port, exactly as a
 * new user would, and stops the whole process group afterwards. Used by the e2e tests
 * and the benchmarks; `env` adds variables such as WRANGLER_VARS. `home` starts it on an
 * existing EDGE_ML_HOME instead (a restart, as test/e2e/crash.test.ts does); the caller
 * owns that folder, and stop() leaves it.
 */
export type Stack = {
  base: string;
  home: string;
  credentials: { tenant_id: string; admin_email: string; admin_password: string; admin_api_key: string };
  output: () => string;
  stop: () => Promise<void>;
};

const OUTPUT_TAIL = 4 * 1024 * 1024;

export async function startStack(
  port: number,
  env: Record<string, string> = {},
  opts: { home?: string } = {},
): Promise<Stack> {
  const home = opts.home ?? mkdtempSync(path.join(tmpdir(), "edge-ml-e2e-"));
  let output = "";
  const child: ChildProcess = spawn("npm", ["start"], {
    env: { ...process.env, ...env, PORT: String(port), INSPECTOR_PORT: String(port + 1), EDGE_ML_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // Everything up to "edge-ml is running", then only the last OUTPUT_TAIL characters: under
  // a benchmark's load the request logs would otherwise grow without bound in this process.
  let startup: string | undefined;
  const keep = (d: Buffer) => {
    output += d;
    if (startup === undefined) {
      if (output.includes("edge-ml is running")) {
        startup = output;
        output = "";
      }
    } else if (output.length > 2 * OUTPUT_TAIL) output = output.slice(-OUTPUT_TAIL);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const printed = () => (startup ?? "") + output;

  const groupAlive = (pid: number) => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (child.pid && groupAlive(child.pid)) {
      process.kill(-child.pid, "SIGTERM");
      // Wait for the whole group, not npm alone: npm exits at once on SIGTERM, and a SIGKILL
      // then would kill start.ts before it stops the trainer (its own group), which outlived
      // the stack on its port.
      const deadline = Date.now() + 10_000;
      while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // group already gone
      }
    }
    if (!opts.home) rmSync(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + 150_000;
  while (startup === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not come up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const credentials = JSON.parse(readFileSync(path.join(home, "credentials.json"), "utf8"));
  return { base: `http://127.0.0.1:${port}`, home, credentials, output: printed, stop };
}
