import { createRouter } from "../../lib/create-router";
import * as handlers from "./training-data.handlers";
import * as routes from "./training-data.routes";

export const trainingDataRouter = createRouter()
  .openapi(routes.catalog, handlers.catalog)
  .openapi(routes.file, handlers.file);
