import { createRouter } from "../../lib/create-router";
import * as handlers from "./labels.handlers";
import * as routes from "./labels.routes";

export const labelsRouter = createRouter().openapi(routes.get, handlers.get).openapi(routes.put, handlers.put);
