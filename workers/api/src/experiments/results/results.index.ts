import { createRouter } from "../../lib/create-router";
import * as handlers from "./results.handlers";
import * as routes from "./results.routes";

export const resultsRouter = createRouter().openapi(routes.results, handlers.results);
