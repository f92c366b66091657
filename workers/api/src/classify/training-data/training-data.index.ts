import { createRouter } from "../../lib/create-router";
import * as handlers from "./training-data.handlers";
import * as routes from "./training-data.routes";

export const labelledDataRouter = createRouter().openapi(routes.upload, handlers.upload);
