import { DurableObject } from "cloudflare:workers";
import { sweepAfterMs, sweepDue } from "@edge-ml/core/ingest/intake";

/**
 * Sweeps the intake on an alarm (durable intake, docs/decisions.md): sends again every batch
 * that is due and not complete. One object for the deployment (`intakeSweeper`); the alarm
 * re-arms itself for good once armed, so batches accepted in any isolate are covered, and
 * because alarms are stored with the object it runs again after the runtime restarts. This
 * is what sweeps under `wrangler dev`, which fires no crons; in production the ingest
 * worker's cron sweeps as well (the claim in sweepDue keeps the two from both sending).
 */
export class IntakeSweeper extends DurableObject<ApiEnv> {
  /** Called by the api on its first accepted batch per isolate: sets the alarm if none is set. */
  async arm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.everyMs());
  }

  /** One sweep now (also what the alarm does); returns how many batches it sent. */
  async sweep(): Promise<number> {
    return sweepDue(this.env.DB, this.env.INGEST_QUEUE, Date.now(), sweepAfterMs(this.env.INTAKE_SWEEP_AFTER_SECONDS));
  }

  override async alarm(): Promise<void> {
    // Re-armed first: a sweep that throws (D1 down) must not end the sweeping.
    await this.ctx.storage.setAlarm(Date.now() + this.everyMs());
    const sent = await this.sweep();
    if (sent > 0) {
      console.warn(
        JSON.stringify({
          level: "WARN",
          service: "api",
          message: "Intake sweep sent batches again",
          context: { batches: sent },
        }),
      );
    }
  }

  private everyMs(): number {
    const s = Number(this.env.INTAKE_SWEEP_EVERY_SECONDS);
    return (Number.isFinite(s) && s > 0 ? s : 30) * 1000;
  }
}

/** The deployment's one sweeper. */
export const intakeSweeper = (env: ApiEnv) => env.INTAKE_SWEEPER.get(env.INTAKE_SWEEPER.idFromName("intake"));
