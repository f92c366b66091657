import { and, asc, eq } from "drizzle-orm";
import { hashPassword } from "@edge-ml/core/auth";
import { users, type UserRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Role } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";

export function userView(row: UserRow) {
  return { id: row.id, email: row.email, tenant_id: row.tenantId, role: row.role, created_at: row.createdAt };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
}

export async function getUser(db: Db, tenantId: string, userId: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .get();
}

export async function createUser(
  db: Db,
  tenantId: string,
  input: { email: string; password: string; role: Role },
): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(db, email)) throw errors.conflict("A user with this email already exists", "email");
  const now = new Date().toISOString();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db
      .insert(users)
      .values({
        id: crypto.randomUUID(),
        tenantId,
        email,
        role: input.role,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
  } catch (e) {
    // Two concurrent creates with one email: the unique index decides, the loser gets 409.
    if (String(e).includes("UNIQUE constraint failed")) {
      throw errors.conflict("A user with this email already exists", "email");
    }
    throw e;
  }
}

export async function listUsers(db: Db, tenantId: string): Promise<UserRow[]> {
  return db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.createdAt)).all();
}
