/**
 * Structured JSON logs in the format of platform-api.md section 7: one object per line,
 * with the trace and span ids of the request that wrote it. Every worker logs through it
 * (the api per request, ingest and trainer-dispatch per queue message), so `npm start` and
 * Workers Logs get one format; console.log of a JSON string is what Workers Logs indexes as
 * fields, and what `npm start` prints bare on stdout (scripts/lib/serve-miniflare.ts).
 */
export type LogLevel = "INFO" | "WARN" | "ERROR";

export type Logger = {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
};

/** One line, as written (the tests parse it back with this type). */
export type LogLine<C = Record<string, unknown>> = {
  timestamp: string;
  level: LogLevel;
  service: string;
  trace_id: string;
  span_id: string;
  message: string;
  context: C;
};

const RANK: Record<LogLevel, number> = { INFO: 0, WARN: 1, ERROR: 2 };

/**
 * The least severe level written, from the LOG_LEVEL variable ("info", "warn", "error";
 * default and anything else: info). At "warn" the one-line-per-request INFO logs are off:
 * Workers Logs bills per line, and `wrangler dev` relays every line through two processes.
 */
export function logLevelOf(value: string | undefined): LogLevel {
  const upper = value?.toUpperCase();
  return upper === "WARN" || upper === "ERROR" ? upper : "INFO";
}

export function createLogger(service: string, traceId: string, spanId: string, least: LogLevel = "INFO"): Logger {
  const write = (level: LogLevel, message: string, context: Record<string, unknown> = {}) => {
    if (RANK[level] < RANK[least]) return;
    const entry: LogLine = {
      timestamp: new Date().toISOString(),
      level,
      service,
      trace_id: traceId,
      span_id: spanId,
      message,
      context,
    };
    const line = JSON.stringify(entry);
    if (level === "ERROR") console.error(line);
    else if (level === "WARN") console.warn(line);
    else console.log(line);
  };
  return {
    info: (m, c) => write("INFO", m, c),
    warn: (m, c) => write("WARN", m, c),
    error: (m, c) => write("ERROR", m, c),
  };
}

/** A logger for work outside a request (queue consumers, `waitUntil`): a trace of its own. */
export function backgroundLogger(service: string, least: LogLevel = "INFO"): Logger {
  return createLogger(service, crypto.randomUUID(), crypto.randomUUID(), least);
}
