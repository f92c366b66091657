import type { Plan } from "@edge-ml/core/limits/policy";
import type { Permission, Role } from "@edge-ml/core/schemas";

/** Who is calling: derived from the credential alone, never from the request body. */
export type Principal = {
  tenantId: string;
  kind: "user" | "api_key";
  /** The user id or the API key id. */
  subjectId: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** The tenant's plan, which sets its rate limits and quota. */
  plan: Plan;
  /** The API key's own per-minute limits (search-recommend-api.md); absent for users. */
  keyLimits?: { rateLimitSearch: number; rateLimitRecommend: number };
};

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ["read", "write", "admin"],
  developer: ["read", "write"],
  viewer: ["read"],
};

export function permissionsForRole(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}

/** A key's role is the strongest its permissions allow, so role checks work for keys too. */
export function roleForPermissions(permissions: readonly Permission[]): Role {
  if (permissions.includes("admin")) return "admin";
  if (permissions.includes("write")) return "developer";
  return "viewer";
}
