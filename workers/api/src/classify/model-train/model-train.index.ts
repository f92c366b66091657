import { createRouter } from "../../lib/create-router";
import * as handlers from "./model-train.handlers";
import * as routes from "./model-train.routes";

export const modelTrainRouter = createRouter().openapi(routes.train, handlers.train);
