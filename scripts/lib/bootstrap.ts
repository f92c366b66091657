import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateApiKey, hashPassword, randomToken, sha256Hex } from "@edge-ml/core/auth";
import { wrangler } from "./run";

/**
 * Creates a tenant with its first admin user and an admin API key, straight into D1
 * through `wrangler d1 execute` (local or remote). The hashing is core's, the same code
 * the api worker verifies with. Used by `npm start` (local) and `npm run tenant:create`.
 */
export type NewTenant = {
  name: string;
  email: string;
  password?: string;
  plan?: "starter" | "pro" | "enterprise";
  keyEnvironment?: "live" | "test";
};

export type TenantCredentials = {
  tenant_id: string;
  tenant_name: string;
  admin_email: string;
  admin_password: string;
  admin_api_key: string;
  admin_api_key_id: string;
  created_at: string;
  /** The operator's bearer token for GET /metrics (METRICS_TOKEN); added to older files on start. */
  metrics_token?: string;
};

/**
 * The local METRICS_TOKEN: the one in the credentials file, else METRICS_TOKEN from the
 * environment, else a new random one; saved in the file (mode 0600) so a restart and a
 * Prometheus scrape config keep working. The tenant's credentials in the file are untouched.
 */
export function ensureMetricsToken(file: string): string {
  const creds = JSON.parse(readFileSync(file, "utf8")) as TenantCredentials;
  const token = process.env.METRICS_TOKEN || creds.metrics_token || randomToken(32);
  if (creds.metrics_token !== token) {
    writeFileSync(file, JSON.stringify({ ...creds, metrics_token: token }, null, 2) + "\n", { mode: 0o600 });
  }
  return token;
}

export type D1Target = { remote: true } | { remote: false; persistTo: string };

const sqlText = (v: string) => `'${v.replace(/'/g, "''")}'`;

export async function createTenantSql(input: NewTenant): Promise<{ sql: string; credentials: TenantCredentials }> {
  const now = new Date().toISOString();
  const tenantId = randomUUID();
  const userId = randomUUID();
  const keyId = randomUUID();
  const password = input.password ?? randomToken(15);
  const { key, prefix } = generateApiKey(input.keyEnvironment ?? "live");
  const email = input.email.trim().toLowerCase();
  const sql = [
    `INSERT INTO tenants (id, name, plan, status, settings, created_at, updated_at) VALUES (${sqlText(tenantId)}, ${sqlText(input.name)}, ${sqlText(input.plan ?? "starter")}, 'active', '{}', ${sqlText(now)}, ${sqlText(now)});`,
    `INSERT INTO users (id, tenant_id, email, role, password_hash, created_at, updated_at) VALUES (${sqlText(userId)}, ${sqlText(tenantId)}, ${sqlText(email)}, 'admin', ${sqlText(await hashPassword(password))}, ${sqlText(now)}, ${sqlText(now)});`,
    `INSERT INTO api_keys (id, tenant_id, name, key_prefix, key_hash, permissions, status, allowed_ips, rate_limit_search, rate_limit_recommend, created_by, created_at) VALUES (${sqlText(keyId)}, ${sqlText(tenantId)}, 'Admin key (bootstrap)', ${sqlText(prefix)}, ${sqlText(await sha256Hex(key))}, '["read","write","admin"]', 'active', '[]', 1000, 500, ${sqlText(userId)}, ${sqlText(now)});`,
  ].join("\n");
  return {
    sql,
    credentials: {
      tenant_id: tenantId,
      tenant_name: input.name,
      admin_email: email,
      admin_password: password,
      admin_api_key: key,
      admin_api_key_id: keyId,
      created_at: now,
    },
  };
}

function targetArgs(target: D1Target): string[] {
  return target.remote ? ["--remote"] : ["--local", "--persist-to", target.persistTo];
}

/** Runs SQL against the DB binding of the api worker's config. */
export async function executeSql(sql: string, target: D1Target, options: { json?: boolean } = {}): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-ml-sql-"));
  const file = path.join(dir, "statements.sql");
  try {
    writeFileSync(file, sql);
    return await wrangler(
      [
        "d1",
        "execute",
        "DB",
        "-c",
        "wrangler.toml",
        ...targetArgs(target),
        "--file",
        file,
        ...(options.json ? ["--json"] : []),
      ],
      { quiet: true },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function applyMigrations(target: D1Target): Promise<void> {
  await wrangler(["d1", "migrations", "apply", "DB", "-c", "wrangler.toml", ...targetArgs(target)], { quiet: true });
}

export async function createTenant(input: NewTenant, target: D1Target): Promise<TenantCredentials> {
  const { sql, credentials } = await createTenantSql(input);
  await executeSql(sql, target);
  return credentials;
}

/** True when the tenant row exists in the target database. */
export async function tenantExists(tenantId: string, target: D1Target): Promise<boolean> {
  const out = await executeSql(`SELECT id FROM tenants WHERE id = ${sqlText(tenantId)};`, target, { json: true });
  return out.includes(tenantId);
}
