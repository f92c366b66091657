import { tokenize } from "./hashed-encoder";

/** Words of a query that reach FTS5; more are ignored (a query is a few words, not a document). */
export const MAX_QUERY_TERMS = 32;

/**
 * Words that say nothing about which product is meant and match most of a catalogue
 * ("backpack for travel": `for` alone matches half of the bench catalogue), and BM25 is
 * computed for every matching row. Dropped from keyword matching unless nothing else is left.
 */
const STOPWORDS = new Set(
  "a an and are as at be by for from has have in into is it its of on or that the this to was were with without your you".split(
    " ",
  ),
);

/** The two MATCH expressions of a query: all of its words, and any of them. */
export type FtsQuery = { all: string; any: string; words: string[] };

/**
 * FTS5 MATCH expressions for free text: each word quoted (so no user input is read as
 * FTS5 syntax: AND, NEAR, column filters, `*`), one-letter words and stopwords dropped
 * (unless that leaves none). `all` ANDs them, `any` ORs them; both over the same words, so
 * an item that has every word gets the same BM25 from either. Undefined when the query has
 * no word.
 */
export function ftsQuery(query: string): FtsQuery | undefined {
  const tokens = [...new Set(tokenize(query))];
  const content = tokens.filter((w) => w.length > 1 && !STOPWORDS.has(w));
  const words = (content.length > 0 ? content : tokens).slice(0, MAX_QUERY_TERMS);
  if (words.length === 0) return undefined;
  const quoted = words.map((w) => `"${w.replace(/"/g, '""')}"`);
  return { all: quoted.join(" AND "), any: quoted.join(" OR "), words };
}
