import { afterEach, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verifyPayload } from "@edge-ml/core/auth/signatures";
import { Reporter } from "../src/reporter";
import { callbackOf, startReceiver, type Answer, type Received, type Receiver } from "./receiver";

const SECRET = "job-callback-secret-0123456789";
const JOB = "0b6f3c1e-5d2a-4f7e-9c1b-2a3d4e5f6a7b";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let receiver: Receiver | undefined;
let reporter: Reporter | undefined;
afterEach(async () => {
  reporter?.stopHeartbeat();
  await receiver?.close();
  receiver = reporter = undefined;
});

async function setUp(answer?: (req: Received, index: number) => Answer | Promise<Answer>, heartbeatSeconds = 30) {
  receiver = await startReceiver(answer);
  const lines: string[] = [];
  reporter = new Reporter(JOB, `${receiver.url}/trainer/callback`, SECRET, heartbeatSeconds, (l) => lines.push(l));
  return { receiver, reporter, lines };
}

describe("trainer callbacks (trainer/src/reporter.ts)", () => {
  it("sends callbacks one at a time, in order, seq increasing by one, each signed with the job's secret", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const { receiver, reporter } = await setUp(async () => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await sleep(20); // a slow dispatcher: a second callback must wait for this answer
      inFlight--;
      return { status: 200, body: "ok" };
    });
    const types = ["started", "progress", "progress", "progress", "completed"] as const;
    const statuses = await Promise.all(types.map((t, n) => reporter.send(t, { progress: n / 4 })));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(mostInFlight).toBe(1);
    const bodies = receiver.received.map(callbackOf);
    expect(bodies.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(bodies.map((b) => b.type)).toEqual([...types]);
    expect(bodies.every((b) => b.job_id === JOB)).toBe(true);
    expect(bodies.map((b) => b.progress)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    for (const r of receiver.received) {
      expect(r.method).toBe("POST");
      expect(r.path).toBe("/trainer/callback");
      const header = r.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(await verifyPayload(SECRET, r.text, header)).toMatchObject({ ok: true });
      // The signature covers the exact body: another secret or another body does not verify.
      expect(await verifyPayload("another-secret-0123456789", r.text, header)).toMatchObject({ ok: false });
      expect(await verifyPayload(SECRET, r.text.replace(JOB, "other-job"), header)).toMatchObject({ ok: false });
    }
  });

  it("retries a 5xx with the same seq and body, then goes on with the next seq", async () => {
    const { receiver, reporter, lines } = await setUp((_, index) =>
      index === 0 ? { status: 503, body: "busy" } : { status: 200 },
    );
    expect(await reporter.send("started", { total_epochs: 3 })).toBe(200);
    expect(await reporter.send("progress", { progress: 0.1 })).toBe(200);
    const [first, retry, next] = receiver.received;
    expect(receiver.received).toHaveLength(3);
    expect(retry!.text).toBe(first!.text);
    expect(callbackOf(retry!)).toMatchObject({ seq: 1, type: "started", total_epochs: 3 });
    expect(callbackOf(next!)).toMatchObject({ seq: 2, type: "progress" });
    expect(lines).toEqual([]);
  });

  it("does not retry a refusal (4xx): it is logged and the status returned", async () => {
    const { receiver, reporter, lines } = await setUp(() => ({ status: 401, body: "seq already accepted" }));
    expect(await reporter.send("progress", { progress: 0.5 })).toBe(401);
    expect(receiver.received).toHaveLength(1);
    expect(lines).toEqual(["callback progress #1 refused (401): seq already accepted"]);
    expect(reporter.stopped).toBe(false);
  });

  it("a 409 stops the job: later callbacks are not sent, except `failed`", async () => {
    const { receiver, reporter } = await setUp(() => ({ status: 409, body: "job timed out (no heartbeat)" }));
    expect(await reporter.send("progress", { progress: 0.2 })).toBe(409);
    expect(reporter.stopped).toBe(true);
    expect(reporter.stopReason).toBe("job timed out (no heartbeat)");
    expect(await reporter.send("progress", { progress: 0.3 })).toBe(409);
    expect(await reporter.send("completed", {})).toBe(409);
    expect(receiver.received).toHaveLength(1);
    await reporter.send("failed", { error: "stopped" });
    expect(receiver.received.map(callbackOf).map((b) => [b.seq, b.type])).toEqual([
      [1, "progress"],
      [4, "failed"],
    ]);
  });

  it("the heartbeat timer sends `heartbeat` when nothing else went out, and stops when told", async () => {
    // heartbeat_seconds 0.5: the timer checks every 250 ms.
    const { receiver, reporter } = await setUp(undefined, 0.5);
    reporter.startHeartbeat();
    // Other callbacks count as heartbeats: while they keep going out, no heartbeat is sent.
    for (let n = 0; n < 24; n++) {
      void reporter.send("progress", { progress: n / 100 });
      await sleep(25);
    }
    expect(receiver.received.map(callbackOf).filter((b) => b.type === "heartbeat")).toEqual([]);
    // Silence: heartbeats.
    await receiver.waitFor((r) => r.filter((x) => callbackOf(x).type === "heartbeat").length >= 2, 5_000);
    reporter.stopHeartbeat();
    await sleep(100); // a heartbeat already posted may still be answered
    const count = receiver.received.length;
    await sleep(700);
    expect(receiver.received).toHaveLength(count);
    const bodies = receiver.received.map(callbackOf);
    expect(bodies.map((b) => b.seq)).toEqual(bodies.map((_, n) => n + 1));
    expect(bodies.slice(24).every((b) => b.type === "heartbeat")).toBe(true);
  });
});
