export * from "./secrets";
export * from "./passwords";
export * from "./api-key-format";
export * from "./signatures";
export * from "./sealed-secrets";
export * from "./invitations";
