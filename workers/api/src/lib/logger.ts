/** The api worker's logs: the shared JSON logger (workers/shared/logger.ts), as `backend-api`. */
export { backgroundLogger, createLogger, logLevelOf, type Logger, type LogLevel } from "../../../shared/logger";

/** The api worker's `service` in every log line and metric. */
export const API_SERVICE = "backend-api";
