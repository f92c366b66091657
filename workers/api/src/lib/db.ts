import { drizzle } from "drizzle-orm/d1";
import * as schema from "@edge-ml/core/db/schema";
import { recordQuery } from "../platform/metrics/recorder";

export type Db = ReturnType<typeof getDb>;

const newDb = (d1: D1Database) => drizzle(d1, { schema });
// One drizzle instance per binding object: building one walks the whole schema
// (extractTablesRelationalConfig), which showed in a CPU profile of a keyed route under load,
// and handlers call getDb several times a request.
const dbs = new WeakMap<D1Database, ReturnType<typeof newDb>>();

export function getDb(d1: D1Database) {
  let db = dbs.get(d1);
  if (!db) dbs.set(d1, (db = newDb(d1)));
  return db;
}

/**
 * The D1 binding with every statement counted and timed for /metrics (db_queries_total,
 * db_query_duration_seconds): the one seam both drizzle and the raw `prepare` calls go through.
 * request-context.ts hands it to the request's handlers as `c.env.DB`. Timing adds nothing
 * to the query: two clock reads and an in-memory add.
 */
export function timedD1(d1: D1Database): D1Database {
  if ((d1 as TimedD1).inner) return d1;
  // One wrapper per binding, so getDb's cache (keyed by the object it is given) holds across requests.
  let timed = wrappers.get(d1);
  if (!timed) wrappers.set(d1, (timed = new TimedD1(d1) as unknown as D1Database));
  return timed;
}

const wrappers = new WeakMap<D1Database, D1Database>();

const unwrap = (s: D1PreparedStatement) => (s as unknown as TimedStatement).inner ?? s;

class TimedD1 {
  constructor(readonly inner: D1Database) {}

  prepare(sql: string): D1PreparedStatement {
    return new TimedStatement(this.inner.prepare(sql), sql) as unknown as D1PreparedStatement;
  }

  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    const started = performance.now();
    try {
      return await this.inner.batch<T>(statements.map(unwrap));
    } finally {
      const seconds = (performance.now() - started) / 1000;
      for (const s of statements) recordQuery((s as unknown as TimedStatement).sql ?? "", seconds);
    }
  }

  exec(sql: string): Promise<D1ExecResult> {
    return timed(sql, () => this.inner.exec(sql));
  }

  withSession(constraintOrBookmark?: string): D1DatabaseSession {
    return this.inner.withSession(constraintOrBookmark);
  }

  dump(): Promise<ArrayBuffer> {
    return (this.inner as unknown as { dump(): Promise<ArrayBuffer> }).dump();
  }
}

class TimedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    readonly sql: string,
  ) {}

  bind(...values: unknown[]): D1PreparedStatement {
    return new TimedStatement(this.inner.bind(...values), this.sql) as unknown as D1PreparedStatement;
  }

  first(column?: string): Promise<unknown> {
    return timed(this.sql, () => (column === undefined ? this.inner.first() : this.inner.first(column)));
  }

  run(): Promise<D1Result> {
    return timed(this.sql, () => this.inner.run());
  }

  all(): Promise<D1Result> {
    return timed(this.sql, () => this.inner.all());
  }

  raw(options?: { columnNames?: boolean }): Promise<unknown[]> {
    return timed(this.sql, () =>
      options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw(),
    ) as Promise<unknown[]>;
  }
}

async function timed<T>(sql: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    recordQuery(sql, (performance.now() - started) / 1000);
  }
}
