import { createRouter } from "../../lib/create-router";
import * as handlers from "./recommendations.handlers";
import * as routes from "./recommendations.routes";

export const recommendationsRouter = createRouter()
  .openapi(routes.recommendForUser, handlers.recommendForUser)
  .openapi(routes.publicRecommendations, handlers.publicRecommendations)
  .openapi(routes.internalRecommendations, handlers.internalRecommendations);
