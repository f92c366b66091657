import { afterEach, describe, expect, it, vi } from "vitest";
import { relayWorkerLog } from "../lib/serve-miniflare";

/** npm start's relay of workerd's log lines (scripts/lib/serve-miniflare.ts). */
afterEach(() => vi.restoreAllMocks());

describe("npm start's worker log relay", () => {
  it("writes the workers' JSON lines bare and whole to stdout, at every level; other warnings to stderr", () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
    const info = JSON.stringify({ level: "INFO", service: "backend-api", message: "Request processed", context: {} });
    const error = JSON.stringify({ level: "ERROR", service: "backend-api", message: "Request failed", context: {} });
    relayWorkerLog({ level: "log", message: info });
    relayWorkerLog({ level: "error", message: error });
    relayWorkerLog({ level: "warn", message: "workerd: something odd" });
    relayWorkerLog({ level: "log", message: "plain line" });
    expect(out).toEqual([`${info}\n`, `${error}\n`, "plain line\n"]);
    expect(err).toEqual(["workerd: something odd\n"]);
  });
});
