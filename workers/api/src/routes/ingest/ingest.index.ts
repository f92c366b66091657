import { createRouter } from "../../lib/create-router";
import * as handlers from "./ingest.handlers";
import * as routes from "./ingest.routes";

export const ingestRouter = createRouter()
  .openapi(routes.postInteraction, handlers.postInteraction)
  .openapi(routes.postItems, handlers.postItems)
  .openapi(routes.bulkItems, handlers.bulkItems)
  .openapi(routes.bulkInteractions, handlers.bulkInteractions);
