import { SIGNATURE_HEADER, signPayload } from "@edge-ml/core/auth/signatures";
import type { CallbackBody, CallbackType } from "@edge-ml/core/training/contract";

/**
 * The trainer's callbacks (docs/trainer-contract.md section 3): signed with the job's secret,
 * `seq` increasing by one, sent one at a time in order. A network error or 5xx is retried
 * with the same seq (the dispatcher refuses a seq it already accepted, so a retry of a
 * callback that did arrive is answered 401 and dropped). A 409 means the dispatcher has
 * finished the job (a heartbeat timeout, a cancel): `stopped` turns true and the job stops.
 * Any callback also counts as a heartbeat; a timer sends `heartbeat` when nothing else went
 * out for heartbeat_seconds.
 */
export type { CallbackType };

export class Reporter {
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private lastSent = Date.now();
  private timer: NodeJS.Timeout | undefined;
  stopped = false;
  stopReason = "";

  constructor(
    private readonly jobId: string,
    private readonly url: string,
    private readonly secret: string,
    private readonly heartbeatSeconds: number,
    private readonly log: (line: string) => void = () => {},
  ) {}

  startHeartbeat(): void {
    const every = Math.max(250, (this.heartbeatSeconds * 1000) / 2);
    this.timer = setInterval(() => {
      if (Date.now() - this.lastSent >= every) void this.send("heartbeat");
    }, every);
    this.timer.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.timer);
  }

  /** Queues a callback; resolves with the dispatcher's status (0 when it never answered). */
  send(type: CallbackType, fields: Record<string, unknown> = {}): Promise<number> {
    const seq = ++this.seq;
    this.lastSent = Date.now();
    const next = this.chain.then(() => this.post(seq, type, fields));
    this.chain = next.catch(() => 0);
    return next;
  }

  private async post(seq: number, type: CallbackType, fields: Record<string, unknown>): Promise<number> {
    if (this.stopped && type !== "failed") return 409;
    const head: Pick<CallbackBody, "job_id" | "seq" | "type"> = { job_id: this.jobId, seq, type };
    const body = JSON.stringify({ ...head, ...fields });
    let lastError = "";
    for (let attempt = 1; attempt <= 6; attempt++) {
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json", [SIGNATURE_HEADER]: await signPayload(this.secret, body) },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        if (res.status === 409) {
          this.stopped = true;
          this.stopReason = text;
        }
        if (res.status < 500) {
          if (!res.ok && res.status !== 409) this.log(`callback ${type} #${seq} refused (${res.status}): ${text}`);
          return res.status;
        }
        lastError = `HTTP ${res.status}`;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      }
      await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** (attempt - 1))));
    }
    this.log(`callback ${type} #${seq} not delivered: ${lastError}`);
    return 0;
  }
}
