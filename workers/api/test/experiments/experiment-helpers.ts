import { env } from "cloudflare:workers";
import { EXPERIMENT_EXAMPLE } from "@edge-ml/core/schemas";
import { call, type ErrorBody, type SeededTenant } from "../helpers";
import { createApiKey } from "../../src/access/services/api-keys";
import { getDb } from "../../src/lib/db";

/** The contract's example body, with overrides. */
export function experimentBody(over: Record<string, unknown> = {}) {
  return {
    ...EXPERIMENT_EXAMPLE,
    ...over,
  };
}

export async function send<T = Record<string, unknown>>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await call(path, { method, token, body });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

export type Err = ErrorBody;

export async function createExperiment(t: SeededTenant, over: Record<string, unknown> = {}): Promise<string> {
  const res = await send<{ experiment_id: string }>(t.adminKey, "POST", "/experiments", experimentBody(over));
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.experiment_id;
}

export async function assign(token: string, id: string, userId: string) {
  return send<{ variant: string; in_experiment: boolean; config: Record<string, unknown> }>(
    token,
    "POST",
    `/experiments/${id}/assign`,
    { user_id: userId },
  );
}

/** A read-only key of the tenant (an API client, not an admin). */
export async function readKey(t: SeededTenant): Promise<string> {
  const key = await createApiKey(
    getDb(env.DB),
    t.tenantId,
    { name: "reader", permissions: ["read"], environment: "test", rate_limit_search: 1000, rate_limit_recommend: 500 },
    t.adminUserId,
  );
  return key.secret;
}

/** The experiment's own object, as serving reaches it. */
export function experimentStub(tenantId: string, id: string) {
  return env.EXPERIMENTS.get(env.EXPERIMENTS.idFromName(`${tenantId}:${id}`));
}
