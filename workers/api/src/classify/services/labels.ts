import { eq } from "drizzle-orm";
import { DEFAULT_CATEGORIES } from "@edge-ml/core/classify/labels";
import { classifierLabels } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Db } from "../../lib/db";

/** The tenant's label set: its own when it set one (PUT /api/v1/model/labels), else the contract's 41. */
export type LabelSet = { labels: string[]; isDefault: boolean; updatedAt: string | null };

export async function labelSetOf(db: Db, tenantId: string): Promise<LabelSet> {
  const [row] = await db.select().from(classifierLabels).where(eq(classifierLabels.tenantId, tenantId));
  if (!row) return { labels: [...DEFAULT_CATEGORIES], isDefault: true, updatedAt: null };
  return { labels: row.labels, isDefault: false, updatedAt: row.updatedAt };
}

export async function putLabelSet(db: Db, tenantId: string, labels: string[]): Promise<LabelSet> {
  const updatedAt = new Date().toISOString();
  await db
    .insert(classifierLabels)
    .values({ tenantId, labels, updatedAt })
    .onConflictDoUpdate({ target: classifierLabels.tenantId, set: { labels, updatedAt } });
  return { labels, isDefault: false, updatedAt };
}

/** 400 with `field` when `category` is not one of the tenant's labels. */
export function requireLabel(set: LabelSet, category: string, field: string): void {
  if (set.labels.includes(category)) return;
  throw errors.validation(
    `${field} '${category}' is not in the tenant's label set (${set.labels.length} categories; GET /api/v1/model/labels)`,
    field,
    "not in the label set",
  );
}
