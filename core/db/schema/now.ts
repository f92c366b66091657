import { sql } from "drizzle-orm";

/** Default for timestamp columns: ISO 8601 UTC text with milliseconds, as the code writes them. */
export const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
