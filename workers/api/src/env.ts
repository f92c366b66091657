import type { Logger } from "./lib/logger";
import type { Principal } from "./lib/principal";

/** Hono environment of the api worker: bindings from `wrangler types`, per-request variables. */
export type AppEnv = {
  Bindings: ApiEnv;
  Variables: {
    requestId: string;
    correlationId: string;
    logger: Logger;
    /** Set by `authenticate()`; absent on public routes. */
    principal: Principal;
  };
};
