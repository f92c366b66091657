import type { CheckStatus } from "../schemas/health";

const STARTED_AT = Date.now();

/**
 * `GET /health` for the internal workers (ingest, trainer-dispatch), which have no
 * public routes: the same shape as the api's, any other path a 404 in the envelope.
 */
export async function workerHealth(
  request: Request,
  service: string,
  version: string,
  checks: Record<string, () => Promise<CheckStatus>>,
): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname !== "/health") {
    const error = {
      code: "NOT_FOUND",
      message: `No route for ${request.method} ${url.pathname}`,
      details: {},
      request_id: crypto.randomUUID(),
      correlation_id: request.headers.get("x-correlation-id") ?? crypto.randomUUID(),
      timestamp: new Date().toISOString(),
    };
    return Response.json({ error }, { status: 404 });
  }
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => checks[n]!()));
  const dependencies = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  const status: CheckStatus = results.every((r) => r === "healthy") ? "healthy" : "unhealthy";
  const body = {
    status,
    service,
    version,
    uptime_seconds: Math.floor((Date.now() - STARTED_AT) / 1000),
    timestamp: new Date().toISOString(),
    checks: { ...dependencies, dependencies: status },
    dependencies,
  };
  return Response.json(body, { status: status === "healthy" ? 200 : 503 });
}
