import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findWorkerdSocket } from "../../bench/lib/workerd-socket";
import { startStack, type Stack } from "../../scripts/lib/stack";

/**
 * Durable intake (docs/decisions.md) against the real runtime: `kill -9` of workerd, once
 * while the consumer works and once right after the 202s, then `npm start` again on the same
 * EDGE_ML_HOME. The local queue lives in workerd's memory and dies with it; every accepted
 * event must still reach D1 and the Parquet catalogue exactly once, and replaying the
 * requests with their keys must change nothing.
 */
const PORT = 18827;
// A short sweep bound and interval (the api's IntakeSweeper alarm) so a restart recovers in seconds.
const ENV = {
  EDGE_ML_SAMPLE_DATA: "0",
  EDGE_ML_TRAIN: "0",
  WRANGLER_VARS: "INTAKE_SWEEP_AFTER_SECONDS:6,INTAKE_SWEEP_EVERY_SECONDS:2",
};
const REQUESTS = 10;
const ROWS = 500;

const home = mkdtempSync(path.join(tmpdir(), "edge-ml-crash-"));
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(home, { recursive: true, force: true });
});

// node:sqlite through require: Vite does not know it as a builtin.
const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as typeof import("node:sqlite");

/** The local D1 file under the home's state (wrangler's miniflare layout), read-only beside workerd. */
function d1(sql: string, ...params: string[]): number {
  const dir = path.join(home, "state", "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  const db = new DatabaseSync(path.join(dir, file!), { readOnly: true });
  try {
    return Number((db.prepare(sql).get(...params) as { n: number }).n);
  } finally {
    db.close();
  }
}

const counts = (tenant: string) => ({
  history: d1("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", tenant),
  popularity: d1("SELECT coalesce(sum(events), 0) AS n FROM item_popularity WHERE tenant_id = ?", tenant),
  incomplete: d1("SELECT count(*) AS n FROM intake_batches WHERE tenant_id = ? AND completed_at IS NULL", tenant),
});

async function catalogRows(s: Stack): Promise<number> {
  const res = await fetch(`${s.base}/api/v1/training-data/catalog`, {
    headers: { authorization: `Bearer ${s.credentials.admin_api_key}` },
  });
  if (!res.ok) return 0;
  const c = (await res.json()) as { partitions: { row_count: number }[] };
  return c.partitions.reduce((n, p) => n + p.row_count, 0);
}

/** Ten requests of 500 distinct events, each with its own Idempotency-Key. */
function requests(s: Stack, phase: string) {
  return Array.from({ length: REQUESTS }, (_, r) => ({
    key: `crash-${phase}-${r}`,
    body: JSON.stringify({
      tenant_id: s.credentials.tenant_id,
      interactions: Array.from({ length: ROWS }, (_, i) => ({
        user_id: `u_${phase}_${r}_${i % 40}`,
        item_id: `item_${i % 97}`,
        interaction_type: i % 5 === 0 ? "purchase" : "view",
        timestamp: `2026-11-${10 + (i % 3)}T0${r % 10}:00:00Z`,
      })),
    }),
  }));
}

async function send(s: Stack, reqs: ReturnType<typeof requests>) {
  return Promise.all(
    reqs.map(async ({ key, body }) => {
      const res = await fetch(`${s.base}/internal/data/interactions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${s.credentials.admin_api_key}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        body,
      });
      return { status: res.status, replayed: res.headers.get("idempotency-replayed"), body: await res.json() };
    }),
  );
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every accepted event in D1 and in the catalogue, each once, and no batch left incomplete. */
async function expectAll(s: Stack, n: number): Promise<void> {
  const tenant = s.credentials.tenant_id;
  await until(`${n} events in D1 and Parquet`, async () => {
    const c = counts(tenant);
    return c.history >= n && c.incomplete === 0 && (await catalogRows(s)) >= n;
  });
  expect(counts(tenant)).toEqual({ history: n, popularity: n, incomplete: 0 });
  expect(await catalogRows(s)).toBe(n);
}

const killWorkerd = (pid: number) => process.kill(pid, "SIGKILL");

describe("kill -9 of workerd loses no accepted event", () => {
  const sent: { key: string; body: string }[] = [];
  const answers: unknown[] = [];

  it("killed while the consumer works: a restart on the same home finishes every batch once", async () => {
    stack = await startStack(PORT, ENV, { home });
    const { pid } = await findWorkerdSocket(PORT);
    const tenant = stack.credentials.tenant_id;
    const reqs = requests(stack, "a");
    const poll = (async () => {
      // Kill as soon as the consumer has stored something, before it stores everything.
      while (counts(tenant).history === 0) await new Promise((r) => setTimeout(r, 10));
    })();
    const res = await send(stack, reqs);
    expect(res.map((r) => [r.status, (r.body as { accepted: number }).accepted])).toEqual(reqs.map(() => [202, ROWS]));
    await poll;
    killWorkerd(pid);
    const atKill = { ...counts(tenant), catalogue: "unreachable" };
    console.log("mid-consume kill:", JSON.stringify(atKill));
    await stack.stop();
    sent.push(...reqs);
    answers.push(...res.map((r) => r.body));

    // This restart at WRANGLER_LOG=info, on the existing home: wrangler's helper calls must still
    // find the home's tenant (at that level `wrangler d1 execute --json` printed nothing, and
    // npm start re-bootstrapped and died on users.email's unique constraint).
    stack = await startStack(PORT, { ...ENV, WRANGLER_LOG: "info" }, { home });
    expect(stack.credentials.tenant_id).toBe(tenant);
    expect(stack.output()).not.toContain("bootstrapping a new one");
    console.log("after restart:", JSON.stringify({ ...counts(tenant), catalogue: await catalogRows(stack) }));
    await expectAll(stack, REQUESTS * ROWS);
  });

  it("killed right after the 202s: a restart on the same home stores every batch once", async () => {
    const s = stack!;
    const { pid } = await findWorkerdSocket(PORT);
    const tenant = s.credentials.tenant_id;
    const reqs = requests(s, "b");
    const res = await send(s, reqs);
    killWorkerd(pid);
    expect(res.map((r) => [r.status, (r.body as { accepted: number }).accepted])).toEqual(reqs.map(() => [202, ROWS]));
    console.log("after-202 kill:", JSON.stringify(counts(tenant)));
    await s.stop();
    sent.push(...reqs);
    answers.push(...res.map((r) => r.body));

    stack = await startStack(PORT, ENV, { home });
    console.log("after restart:", JSON.stringify({ ...counts(tenant), catalogue: await catalogRows(stack) }));
    await expectAll(stack, 2 * REQUESTS * ROWS);
    // Recovered by the sweep: the queue's copy of every message died with workerd.
    expect(d1("SELECT min(enqueues) AS n FROM intake_batches WHERE idempotency_key LIKE 'crash-b-%'")).toBe(2);
  });

  it("the same requests replayed with their keys answer the same bodies and change nothing", async () => {
    const s = stack!;
    const res = await send(s, sent);
    expect(res.map((r) => [r.status, r.replayed])).toEqual(sent.map(() => [202, "true"]));
    expect(res.map((r) => r.body)).toEqual(answers);
    // Longer than a sweep interval and a consumer batch: anything sent again would have landed.
    await new Promise((r) => setTimeout(r, 5000));
    expect(counts(s.credentials.tenant_id)).toEqual({
      history: 2 * REQUESTS * ROWS,
      popularity: 2 * REQUESTS * ROWS,
      incomplete: 0,
    });
    expect(await catalogRows(s)).toBe(2 * REQUESTS * ROWS);
  });
});
