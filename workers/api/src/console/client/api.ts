/**
 * The console's only way to the API: the typed client (@edge-ml/client), with the session's
 * in-memory access token. Pages get it as ctx.api; `unwrap` turns an answer into data or an
 * EdgeMlError carrying the contract's envelope.
 */
export { createEdgeMlClient, EdgeMlError, unwrap, type EdgeMlClient } from "@edge-ml/client";
export type { components } from "@edge-ml/client";
