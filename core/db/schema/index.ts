/**
 * The D1 schema, one file per domain. drizzle-kit turns it into SQL under migrations/
 * (`npm run db:generate`); wrangler applies those files. Timestamps are ISO 8601 UTC text,
 * ids are UUIDs. Every tenant-owned table carries tenant_id and every query filters on it.
 */
export * from "./access";
export * from "./metering";
export * from "./catalog";
export * from "./ingest";
export * from "./training";
export * from "./webhooks";
export * from "./experiments";
export * from "./classify";
