import { INVITATION_TTL_MS, signInvitation, verifyInvitation } from "@edge-ml/core/auth";
import type { UserRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Role } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";
import { sendMail } from "./mail";
import { assertTenantActive, getTenant } from "./tenants";
import { createUser, findUserByEmail, normalizeEmail } from "./users";

type InviteEnv = Pick<ApiEnv, "DATA" | "JWT_SECRET" | "ENVIRONMENT">;

/**
 * Invites an address into the caller's tenant. Emails are unique across the platform
 * (login takes only an email), so an address may already be a user of another tenant; the
 * answer is the same either way, and only the address learns which: a fresh address gets
 * the invitation, a used one a notice that it cannot accept. An address of the caller's own
 * tenant is a 409, which tells the admin nothing their user list does not.
 */
export async function inviteUser(env: InviteEnv, db: Db, tenantId: string, input: { email: string; role: Role }) {
  const email = normalizeEmail(input.email);
  const existing = await findUserByEmail(db, email);
  if (existing?.tenantId === tenantId) throw errors.conflict("A user with this email already exists", "email");
  const tenant = await getTenant(db, tenantId);
  const expiresAtMs = Date.now() + INVITATION_TTL_MS;
  const where = `the edge-ml tenant "${tenant?.name ?? tenantId}"`;
  if (existing) {
    await sendMail(env, {
      to: email,
      kind: "invitation_unusable",
      subject: "An edge-ml invitation you cannot accept",
      text: `Someone invited this address to ${where}. It already has an edge-ml account, so the invitation cannot be used; sign in as usual, or ask them to invite another address.`,
    });
  } else {
    const token = await signInvitation(env.JWT_SECRET, { tenantId, email, role: input.role, expiresAtMs });
    await sendMail(env, {
      to: email,
      kind: "invitation",
      token,
      subject: "Your edge-ml invitation",
      text: `You are invited to ${where} as ${input.role}. Choose a password with POST /api/v1/users/invitations/accept and this token, within 7 days: ${token}`,
    });
  }
  return { email, role: input.role, status: "invited" as const, expires_at: new Date(expiresAtMs).toISOString() };
}

/** Creates the invited user with the password they chose; the token is checked before the KDF runs. */
export async function acceptInvitation(env: InviteEnv, db: Db, token: string, password: string): Promise<UserRow> {
  const inv = await verifyInvitation(env.JWT_SECRET, token);
  if (!inv) throw errors.unauthenticated("The invitation is invalid or has expired");
  assertTenantActive(await getTenant(db, inv.tenantId));
  return createUser(db, inv.tenantId, { email: inv.email, password, role: inv.role as Role });
}
