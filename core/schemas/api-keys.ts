import { z } from "@hono/zod-openapi";
import { isValidCidr } from "../net/cidr";
import { parseIsoDateTime } from "../dates/parse";
import { Permission } from "./auth";
import { IsoDateTime } from "./common";

/** Per-key limits are requests per minute; the upper bound keeps a typo from disabling limits. */
const RateLimit = (name: string, fallback: number) =>
  z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be at least 1`)
    .max(1_000_000, `${name} must be at most 1000000`)
    .default(fallback);

export const DEFAULT_RATE_LIMIT_SEARCH = 1000;
export const DEFAULT_RATE_LIMIT_RECOMMEND = 500;

const AllowedIps = z
  .array(
    z
      .string()
      .max(64)
      .refine(isValidCidr, {
        error: (issue) => `${String(issue.input)} is not an IPv4/IPv6 address or CIDR block`,
      }),
  )
  .max(100, "at most 100 allowed_ips entries")
  .openapi({ example: ["192.168.1.0/24", "2001:db8::/32"] });

/** Any offset is accepted here (a key expires at an instant); the calendar check is the shared parser's. */
const expiresMs = (s: string) => parseIsoDateTime(s);
const ExpiresAt = z
  .string({ error: "expires_at must be an ISO 8601 date-time" })
  .refine((s) => expiresMs(s) !== null, {
    error: "expires_at must be an ISO 8601 date-time on a real calendar day",
    abort: true,
  })
  .refine((s) => expiresMs(s)! > Date.now(), "expires_at must be in the future")
  .openapi({ format: "date-time", example: "2026-12-31T23:59:59Z" });

const KeyName = z
  .string({ error: "name is required" })
  .trim()
  .min(1, "name must not be empty")
  .max(100, "name must be at most 100 characters");

/** Everything a key can be created with; both key APIs accept the same fields. */
export const CreateApiKeyRequest = z
  .object({
    name: KeyName,
    permissions: z.array(Permission).min(1, "permissions must not be empty").max(3).default(["read", "write"]),
    environment: z.enum(["live", "test"]).default("live").openapi({
      description: "`live` keys start with sk_live_, `test` keys with sk_test_.",
    }),
    rate_limit_search: RateLimit("rate_limit_search", DEFAULT_RATE_LIMIT_SEARCH),
    rate_limit_recommend: RateLimit("rate_limit_recommend", DEFAULT_RATE_LIMIT_RECOMMEND),
    allowed_ips: AllowedIps.optional(),
    expires_at: ExpiresAt.optional(),
  })
  .openapi("CreateApiKeyRequest");
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyRequest>;

const KeyStatus = z.enum(["active", "revoked"]);

/** Fields common to both listings; never the secret or its hash. */
const keyExtras = {
  key_prefix: z.string().openapi({ example: "sk_live_abc123" }),
  permissions: z.array(Permission),
  status: KeyStatus,
  created_at: IsoDateTime,
  last_used_at: IsoDateTime.nullable(),
  expires_at: IsoDateTime.nullable(),
  allowed_ips: z.array(z.string()),
  rate_limit_search: z.number().int(),
  rate_limit_recommend: z.number().int(),
};

// platform-api.md section 6
export const V1ApiKey = z.object({ id: z.string(), name: z.string(), ...keyExtras }).openapi("ApiKey");
export const V1ApiKeyList = z.object({ keys: z.array(V1ApiKey) }).openapi("ApiKeyList");
export const V1CreatedApiKey = V1ApiKey.extend({
  key: z.string().openapi({ description: "The secret. Shown once; only its hash is stored." }),
}).openapi("CreatedApiKey");

// search-recommend-api.md "Authentication Endpoints"
export const AuthApiKey = z.object({ key_id: z.string(), name: z.string(), ...keyExtras }).openapi("AuthApiKey");
export const AuthApiKeyList = z.array(AuthApiKey).openapi("AuthApiKeyList");
export const AuthCreatedApiKey = AuthApiKey.extend({
  api_key: z.string().openapi({ description: "The secret. Shown once; only its hash is stored." }),
}).openapi("AuthCreatedApiKey");
