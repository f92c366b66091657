import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { cpuSeconds, waitForQuiet } from "../../bench/lib/quiet";

// bench/lib/quiet.ts decides when a benchmark starts measuring: it must tell a busy process
// from an idle one by the CPU it uses, as /proc reports it.
const children: ReturnType<typeof spawn>[] = [];
const node = (code: string) => {
  const child = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
};
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

describe("waitForQuiet", () => {
  it("returns once an idle process has stayed idle for the windows asked", async () => {
    const pid = node("setInterval(() => {}, 1000)");
    const seconds = await waitForQuiet(pid, { windowMs: 200, windows: 3, maxMs: 10_000 });
    expect(seconds).toBeGreaterThanOrEqual(0.6);
    expect(seconds).toBeLessThan(10);
  });

  it("keeps waiting while the process spins, and says so when it gives up", async () => {
    const pid = node("for (;;) {}");
    await new Promise((r) => setTimeout(r, 300));
    const before = await cpuSeconds(pid);
    await expect(waitForQuiet(pid, { windowMs: 200, windows: 2, maxMs: 1500 })).rejects.toThrow(
      `workerd ${pid} still busy after 1.5 s`,
    );
    expect((await cpuSeconds(pid)) - before).toBeGreaterThan(0.5);
  });

  it("reports a process that is gone", async () => {
    expect(await cpuSeconds(2 ** 22 + 12345)).toBeNaN();
  });
});
