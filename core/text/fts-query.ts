import { tokenize } from "./hashed-encoder";

/** Words of a query that reach FTS5; more are ignored (a query is a few words, not a document). */
export const MAX_QUERY_TERMS = 32;

/**
 * An FTS5 MATCH expression for free text: each word quoted (so no user input is read as
 * FTS5 syntax: AND, NEAR, column filters, `*`) and OR-ed, so BM25 ranks items by how many
 * and how rare the words they contain are. Undefined when the query has no word.
 */
export function ftsMatchExpression(query: string): string | undefined {
  const words = [...new Set(tokenize(query))].slice(0, MAX_QUERY_TERMS);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replace(/"/g, '""')}"`).join(" OR ");
}
