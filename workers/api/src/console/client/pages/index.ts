import type { ConsolePage } from "../context";
import { page as classifier } from "./classifier";
import { page as data } from "./data";
import { page as experiments } from "./experiments";
import { page as keys } from "./keys";
import { page as models } from "./models";
import { page as overview } from "./overview";
import { page as tryIt } from "./try-it";

/** The console's pages in navigation order (the same paths as ../../nav.ts, which the server renders). */
export const pages: ConsolePage[] = [overview, keys, data, models, experiments, classifier, tryIt];
