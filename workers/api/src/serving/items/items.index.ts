import { createRouter } from "../../lib/create-router";
import * as handlers from "./items.handlers";
import * as routes from "./items.routes";

export const itemsRouter = createRouter().openapi(routes.getItem, handlers.getItem);
