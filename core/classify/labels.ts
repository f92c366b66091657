/**
 * The classifier's label sets and limits (classifier-api.md "Categories"), shared by the api
 * (validation of uploads, feedback and predictions), the trainer and the bench.
 */

/** The contract's 41 news categories, in the contract's order: the default label set. */
export const DEFAULT_CATEGORIES: readonly string[] = Object.freeze([
  "POLITICS", "WELLNESS", "ENTERTAINMENT", "TRAVEL", "STYLE & BEAUTY",
  "PARENTING", "HEALTHY LIVING", "QUEER VOICES", "FOOD & DRINK", "BUSINESS",
  "COMEDY", "SPORTS", "BLACK VOICES", "HOME & LIVING", "PARENTS",
  "THE WORLDPOST", "WEDDINGS", "WOMEN", "IMPACT", "DIVORCE",
  "CRIME", "MEDIA", "WEIRD NEWS", "GREEN", "WORLDPOST",
  "RELIGION", "STYLE", "SCIENCE", "WORLD NEWS", "TASTE",
  "TECH", "MONEY", "ARTS", "FIFTY", "GOOD NEWS",
  "ARTS & CULTURE", "ENVIRONMENT", "COLLEGE", "LATINO VOICES",
  "CULTURE & ARTS", "EDUCATION",
]); // prettier-ignore

/**
 * Most labels a tenant's own label set may hold. The artifact holds one Float32 weight per
 * hashed bucket and label (2^16 buckets: 256 KiB per label), so 200 labels is a 51 MiB model,
 * about the most an isolate can cache beside everything else.
 */
export const MAX_CATEGORIES = 200;
/** Longest category name, in characters. */
export const MAX_CATEGORY_LENGTH = 100;
/** Longest headline and description, in characters (the contract's limits). */
export const MAX_HEADLINE = 500;
export const MAX_DESCRIPTION = 2000;

/** One labelled example: what an upload row or a feedback correction holds. */
export type LabelledText = { headline: string; short_description?: string; category: string };

/** Labelled data a classifier cannot be trained on (none, or a single class): the job fails with this sentence. */
export class ClassifierDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClassifierDataError";
  }
}
