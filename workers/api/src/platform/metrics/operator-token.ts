import { ApiError } from "@edge-ml/core/errors";
import { sha256Hex, timingSafeEqual } from "@edge-ml/core/auth";

/**
 * GET /metrics is the operator's, not a tenant's: it answers for every tenant at once. The
 * caller shows the METRICS_TOKEN secret as `Authorization: Bearer <token>`; API keys and JWTs
 * are not accepted. Both sides are hashed first, so the comparison is constant-time and of
 * equal length whatever was sent. Without the secret the route is closed (503), never open.
 */
export async function requireOperatorToken(configured: string | undefined, authorization: string | undefined) {
  if (!configured) {
    throw new ApiError(
      "unavailable",
      "GET /metrics is not configured: set the METRICS_TOKEN secret (`wrangler secret put METRICS_TOKEN`; npm start sets one and saves it as metrics_token in the credentials file)",
    );
  }
  const offered = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!offered) {
    throw new ApiError(
      "unauthenticated",
      "GET /metrics needs the operator token: Authorization: Bearer <METRICS_TOKEN>",
      {
        reason: "missing_token",
      },
    );
  }
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([sha256Hex(offered), sha256Hex(configured)]);
  if (!timingSafeEqual(enc.encode(a), enc.encode(b))) {
    throw new ApiError("unauthenticated", "The metrics token is not valid", { reason: "invalid_token" });
  }
}
