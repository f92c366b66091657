import type { Logger } from "./lib/logger";
import type { Principal } from "./lib/principal";
import type { UsageDelta } from "./metering/objects/usage-meter";

/** Hono environment of the api worker: bindings from `wrangler types`, per-request variables. */
export type AppEnv = {
  Bindings: ApiEnv;
  Variables: {
    requestId: string;
    correlationId: string;
    logger: Logger;
    /** Set by `authenticate()`; absent on public routes. */
    principal: Principal;
    /** What a handler served beyond the call itself (recommendations, items, predictions), for metering. */
    usage: Omit<UsageDelta, "day" | "apiCalls" | "latencyMs">;
  };
};
