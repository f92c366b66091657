import { createRouter } from "../../lib/create-router";
import * as handlers from "./feedback.handlers";
import * as routes from "./feedback.routes";

export const feedbackRouter = createRouter().openapi(routes.post, handlers.post).openapi(routes.stats, handlers.stats);
