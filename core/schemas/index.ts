export * from "./common";
export * from "./auth";
export * from "./api-keys";
export * from "./tenant";
export * from "./health";
export * from "./usage";
export * from "./abuse";
export * from "./ingest";
