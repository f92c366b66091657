import { count, desc, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./db";

type Listed = SQLiteTable & { createdAt: SQLiteColumn; id: SQLiteColumn };

/**
 * One page of a tenant's rows, newest first (ties by id, so pages never overlap), with the
 * total that matches `where`: the list routes the console reads (jobs, experiments,
 * evaluations) all page this way. The two queries run side by side.
 */
export async function newestFirst<T extends Listed>(
  db: Db,
  table: T,
  where: SQL | undefined,
  page: { limit: number; offset: number },
): Promise<{ rows: T["$inferSelect"][]; total: number }> {
  const from = table as SQLiteTable;
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(from)
      .where(where)
      .orderBy(desc(table.createdAt), desc(table.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(from).where(where),
  ]);
  return { rows: rows as T["$inferSelect"][], total: counted?.n ?? 0 };
}
