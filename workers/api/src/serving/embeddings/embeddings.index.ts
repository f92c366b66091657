import { createRouter } from "../../lib/create-router";
import * as handlers from "./embeddings.handlers";
import * as routes from "./embeddings.routes";

export const embeddingsRouter = createRouter()
  .openapi(routes.itemEmbedding, handlers.itemEmbedding)
  .openapi(routes.embedItems, handlers.embedItems);
