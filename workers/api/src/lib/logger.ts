/**
 * Structured JSON logs in the format of platform-api.md section 7: one object per line,
 * with the trace and span ids of the request that wrote it.
 */
export type LogLevel = "INFO" | "WARN" | "ERROR";

export type Logger = {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
};

export function createLogger(service: string, traceId: string, spanId: string): Logger {
  const write = (level: LogLevel, message: string, context: Record<string, unknown> = {}) => {
    const line = JSON.stringify({
      timestamp: new Date().toISOString(),
      level,
      service,
      trace_id: traceId,
      span_id: spanId,
      message,
      context,
    });
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
export function backgroundLogger(service: string): Logger {
  return createLogger(service, crypto.randomUUID(), crypto.randomUUID());
}
