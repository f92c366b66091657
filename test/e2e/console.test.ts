import { afterAll, beforeAll, describe } from "vitest";
import * as a11y from "./console/a11y.steps";
import * as classifier from "./console/classifier.steps";
import * as data from "./console/data.steps";
import * as experiments from "./console/experiments.steps";
import { createHarness, type ConsoleHarness } from "./console/harness";
import * as keys from "./console/keys.steps";
import * as models from "./console/models.steps";
import * as overview from "./console/overview.steps";
import * as reference from "./console/reference.steps";
import * as tryIt from "./console/try-it.steps";
import * as viewer from "./console/viewer.steps";

/**
 * The tenant's console and the API reference in Debian's Chromium, on one `npm start` stack
 * (sample data, the first recommender and classifier trained), one browser. Steps run in this
 * order and share state: the admin's page (logged in through the form by the harness), the
 * keys created, the models trained. Screenshots
 * go to test/e2e/console/screenshots/ (gitignored); their paths are printed.
 */
let harness: ConsoleHarness;
beforeAll(async () => {
  harness = await createHarness(18857);
}, 360_000);
afterAll(async () => {
  await harness?.close();
});

const h = () => harness;
describe("console in a browser", () => {
  reference.register(h);
  keys.register(h);
  data.register(h);
  models.register(h);
  experiments.register(h);
  classifier.register(h);
  tryIt.register(h);
  // After the models and classifier steps: by then npm start's first classifier is deployed too
  // (it trains after "edge-ml is running"), and the overview lists both kinds in production.
  overview.register(h);
  // a11y before the viewer: the viewer's visits spend the tenant's model-route budget, which the
  // classifier page (checked by axe with its evaluation shown) would otherwise wait out.
  a11y.register(h);
  viewer.register(h);
  a11y.registerLast(h);
});
