import { z } from "@hono/zod-openapi";
import { IsoDateTime } from "./common";

export const ROLES = ["admin", "developer", "viewer"] as const;
export const Role = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` });
export type Role = z.infer<typeof Role>;

export const PERMISSIONS = ["read", "write", "admin"] as const;
export const Permission = z.enum(PERMISSIONS, {
  error: `permission must be one of ${PERMISSIONS.join(", ")}`,
});
export type Permission = z.infer<typeof Permission>;

export const Email = z
  .email({ error: "email must be a valid email address" })
  .max(254, "email must be at most 254 characters")
  .openapi({ example: "admin@example.com" });

/** Long passphrases are allowed; the upper bound keeps PBKDF2 input reasonable. */
export const NewPassword = z
  .string({ error: "password is required" })
  .min(12, "password must be at least 12 characters")
  .max(256, "password must be at most 256 characters");

export const LoginRequest = z
  .object({
    email: Email,
    password: z.string({ error: "password is required" }).min(1, "password is required").max(256),
  })
  .openapi("LoginRequest");

export const UserView = z
  .object({
    id: z.string(),
    email: z.string(),
    tenant_id: z.string(),
    role: Role,
  })
  .openapi("User");

export const LoginResponse = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    user: UserView,
  })
  .openapi("LoginResponse");

export const RefreshRequest = z
  .object({ refresh_token: z.string({ error: "refresh_token is required" }).min(1).max(512) })
  .openapi("RefreshRequest");

export const RefreshResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    refresh_token: z.string().openapi({
      description: "The rotated refresh token. The one sent is now spent; sending it again revokes the session.",
    }),
  })
  .openapi("RefreshResponse");

/**
 * An admin invites an address; the invited user chooses the password when accepting
 * (docs/decisions.md, "Users: invitations"), so the answer never depends on whether the
 * address has an account elsewhere.
 */
export const CreateUserRequest = z
  .object({ email: Email, role: Role.default("developer") })
  .openapi("CreateUserRequest");

export const UserInvitation = z
  .object({
    email: z.string(),
    role: Role,
    status: z.literal("invited"),
    expires_at: IsoDateTime,
  })
  .openapi("UserInvitation");

export const AcceptInvitationRequest = z
  .object({
    token: z.string({ error: "token is required" }).min(1, "token is required").max(2048),
    password: NewPassword,
  })
  .openapi("AcceptInvitationRequest");

export const UserRecord = UserView.extend({ created_at: IsoDateTime }).openapi("UserRecord");
export const UserList = z.object({ users: z.array(UserRecord) }).openapi("UserList");
