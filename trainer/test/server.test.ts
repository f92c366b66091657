import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, signPayload, verifyPayload } from "@edge-ml/core/auth/signatures";
import { specProblem, type JobSpec } from "../src/job";
import { startTrainer } from "../src/server";
import { callbackOf, startReceiver, type Receiver } from "./receiver";

const SHARED = "trainer-shared-secret-0123456789";
const CALLBACK_SECRET = "job-callback-secret-0123456789";

let trainer: ReturnType<typeof startTrainer>;
let trainerUrl: string;
let dispatcher: Receiver;
/** Data downloads the dispatcher holds until a test releases them. */
let releaseData: () => void = () => {};
const logs: string[] = [];

beforeAll(async () => {
  dispatcher = await startReceiver(async (req) => {
    if (req.method === "GET" && req.path.startsWith("/data/")) {
      await new Promise<void>((resolve) => (releaseData = resolve));
      return { status: 404, body: "no such part" };
    }
    return { status: 200, body: "ok" };
  });
  trainer = startTrainer({ port: 0, host: "127.0.0.1", sharedSecret: SHARED, log: (l) => logs.push(l) });
  await new Promise((resolve) => trainer.once("listening", resolve));
  trainerUrl = `http://127.0.0.1:${(trainer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  releaseData();
  trainer.closeAllConnections();
  await new Promise((resolve) => trainer.close(resolve));
  await dispatcher.close();
});

let jobs = 0;
function spec(overrides: Partial<JobSpec> = {}): JobSpec {
  // Unique in its first 8 characters: the trainer logs jobs by that prefix.
  const id = `${String(++jobs).padStart(8, "0")}-0000-4000-8000-000000000000`;
  return {
    job_id: id,
    tenant_id: "tenant-1",
    model_type: "matrix_factorization",
    hyperparameters: {},
    data: { files: [] },
    callback: { url: `${dispatcher.url}/trainer/callback`, secret: CALLBACK_SECRET },
    artifacts: { url: `${dispatcher.url}/trainer/artifacts/${id}/{name}` },
    heartbeat_seconds: 30,
    ...overrides,
  };
}

async function postJob(body: string, signature?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const header = signature ?? (await signPayload(SHARED, body));
  if (header) headers[SIGNATURE_HEADER] = header;
  const res = await fetch(`${trainerUrl}/jobs`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const callbacksOf = (jobId: string) =>
  dispatcher.received.filter((r) => r.path === "/trainer/callback" && callbackOf(r).job_id === jobId);

describe("the job spec checks (specProblem)", () => {
  it("accepts a complete spec and names the first missing part otherwise", () => {
    const ok = spec();
    expect(specProblem(ok)).toBeNull();
    const cases: [Partial<JobSpec>, string][] = [
      [{ ...ok, job_id: undefined }, "job_id and tenant_id are required"],
      [{ ...ok, tenant_id: 7 as unknown as string }, "job_id and tenant_id are required"],
      [{ ...ok, model_type: undefined }, "model_type is required"],
      [
        { ...ok, callback: { url: ok.callback.url } as JobSpec["callback"] },
        "callback.url and callback.secret are required",
      ],
      [
        { ...ok, artifacts: { url: `${dispatcher.url}/artifacts/model.json` } },
        "artifacts.url with a {name} placeholder is required",
      ],
      [{ ...ok, data: {} as JobSpec["data"] }, "data.files is required"],
      [{ ...ok, hyperparameters: null as unknown as JobSpec["hyperparameters"] }, "hyperparameters are required"],
    ];
    for (const [s, problem] of cases) expect(specProblem(s)).toBe(problem);
  });
});

describe("the trainer's HTTP server (trainer/src/server.ts)", () => {
  it("answers /health and 404 elsewhere", async () => {
    const health = await fetch(`${trainerUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "healthy", pid: process.pid });
    expect((await fetch(`${trainerUrl}/jobs`)).status).toBe(404);
    expect((await fetch(`${trainerUrl}/other`, { method: "POST" })).status).toBe(404);
  });

  it("refuses a job not signed with the shared secret (401) and runs nothing", async () => {
    const body = JSON.stringify(spec());
    const before = dispatcher.received.length;
    expect(await postJob(body, "")).toEqual({ status: 401, body: { error: `missing ${SIGNATURE_HEADER}` } });
    const forged = await signPayload("not-the-shared-secret-0123", body);
    expect(await postJob(body, forged)).toEqual({ status: 401, body: { error: "signature mismatch" } });
    const stale = await signPayload(SHARED, body, Math.floor(Date.now() / 1000) - 3600);
    expect(await postJob(body, stale)).toEqual({
      status: 401,
      body: { error: "signature timestamp out of tolerance" },
    });
    // Signed for another body: the signature covers the exact bytes.
    expect((await postJob(body, await signPayload(SHARED, `${body} `))).status).toBe(401);
    expect(dispatcher.received.length).toBe(before);
  });

  it("refuses a signed spec that is not JSON or misses a field (400, with the sentence)", async () => {
    expect(await postJob("{not json")).toEqual({ status: 400, body: { error: "the job spec is not JSON" } });
    const { callback: _, ...noCallback } = spec();
    expect(await postJob(JSON.stringify(noCallback))).toEqual({
      status: 400,
      body: { error: "callback.url and callback.secret are required" },
    });
  });

  it("accepts an unsupported model type (202), then reports `failed` with a sentence, signed for the job", async () => {
    const job = spec({ model_type: "two_tower" });
    expect(await postJob(JSON.stringify(job))).toEqual({ status: 202, body: { accepted: true, job_id: job.job_id } });
    await dispatcher.waitFor(() => callbacksOf(job.job_id).length > 0);
    const [failed] = callbacksOf(job.job_id);
    expect(callbackOf(failed!)).toEqual({
      job_id: job.job_id,
      seq: 1,
      type: "failed",
      error: expect.stringMatching(
        /^model_type two_tower is trained by the GPU trainer \(trainer-gpu\/\), not this one: set TRAINER_URL_TWO_TOWER .*apt-get install python3-torch/,
      ),
    });
    const header = failed!.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(await verifyPayload(CALLBACK_SECRET, failed!.text, header)).toMatchObject({ ok: true });
    expect(await verifyPayload(SHARED, failed!.text, header)).toMatchObject({ ok: false });
  });

  it("accepts a job once when the dispatcher resends it, and fails it with the download's sentence", async () => {
    const job = spec({
      data: {
        files: [{ url: `${dispatcher.url}/data/day=2026-01-01/part-0.parquet`, row_count: 10, size_bytes: 100 }],
      },
    });
    const body = JSON.stringify(job);
    const first = await postJob(body);
    await dispatcher.waitFor((r) => r.some((x) => x.path.startsWith("/data/")));
    // The answer was lost; the dispatcher sends the same job again while it runs.
    const again = await postJob(body);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect((await (await fetch(`${trainerUrl}/health`)).json()) as object).toMatchObject({ running: 1 });
    releaseData();
    await dispatcher.waitFor(() => callbacksOf(job.job_id).length > 0);
    await new Promise((r) => setTimeout(r, 200)); // a second run would have called back by now
    expect(dispatcher.received.filter((r) => r.path.startsWith("/data/"))).toHaveLength(1);
    expect(callbacksOf(job.job_id).map((r) => callbackOf(r))).toEqual([
      {
        job_id: job.job_id,
        seq: 1,
        type: "failed",
        error: "could not read training data day=2026-01-01/part-0.parquet: HTTP 404 no such part",
      },
    ]);
    expect(logs.filter((l) => l.includes(job.job_id.slice(0, 8)) && l.includes("accepted"))).toHaveLength(1);
  });
});
