import { z } from "@hono/zod-openapi";
import { IsoDateTime, paginationQuery, UserId } from "./common";

export const EXPERIMENT_STATUSES = ["running", "paused", "completed"] as const;
export const EXPERIMENT_SURFACES = ["search", "recommend", "predict"] as const;
/** Where an experiment applies when its body names no surfaces: the ranking surfaces. */
export const DEFAULT_SURFACES = ["search", "recommend"] as const;
export const EXPERIMENT_METRICS = ["ctr", "cvr", "revenue"] as const;
/** Keys of a results metric object beside the variant names: a variant may not take them. */
export const RESERVED_VARIANT_NAMES = [
  "difference",
  "relative_difference",
  "p_value",
  "sequential_p_value",
  "significant",
  "ci",
  "intervals",
  "comparisons",
];
/** The split must sum to 1 within this (the contract's 0.5 / 0.5, and 1/3 written as 0.3333333333333333). */
export const SPLIT_TOLERANCE = 1e-9;

const VariantName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "a variant name is 1-64 letters, digits, '_' or '-'")
  .refine((s) => !RESERVED_VARIANT_NAMES.includes(s), "that variant name is reserved by the results format");

const RankingWeights = z
  .array(z.number({ error: "ranking_weights must be numbers" }).finite().min(0, "ranking_weights must be non-negative"))
  .length(4, "ranking_weights must have 4 numbers: [search, cf, popularity, freshness]")
  .refine((w) => w.some((x) => x > 0), "ranking_weights must not all be 0")
  .openapi({ example: [0.3, 0.4, 0.2, 0.1] });

const VersionName = z.string().min(1).max(128);

export const VariantConfig = z
  .object({
    ranking_weights: RankingWeights.optional(),
    model_version: VersionName.optional().openapi({
      description: "A recommender version of this tenant (GET /api/v1/model/versions)",
    }),
    classifier_version: VersionName.optional().openapi({
      description:
        "A classifier version of this tenant: /api/v1/predict classifies with it for the variant's users (surface `predict`)",
    }),
  })
  .strict()
  .openapi("VariantConfig");
export type VariantConfig = z.infer<typeof VariantConfig>;

/** The contract's example experiment (search-recommend-api.md), the reference's example and the tests' base. */
export const EXPERIMENT_EXAMPLE = {
  name: "Test New Ranking Weights",
  description: "Test new ranking weights",
  traffic_split: { control: 0.5, treatment: 0.5 },
  variants: {
    control: { config: { ranking_weights: [0.4, 0.3, 0.2, 0.1] } },
    treatment: { config: { ranking_weights: [0.3, 0.4, 0.2, 0.1] } },
  },
  metrics: ["ctr", "cvr", "revenue"],
};

export const CreateExperimentRequest = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(200),
    description: z.string().max(2000).optional(),
    traffic_split: z.record(z.string(), z.number({ error: "a traffic_split share must be a number" })),
    variants: z.record(VariantName, z.object({ config: VariantConfig }).strict()),
    metrics: z
      .array(z.enum(EXPERIMENT_METRICS))
      .min(1)
      .max(3)
      .default([...EXPERIMENT_METRICS])
      .openapi({
        description: "The first is the primary metric: it decides winner and recommendation",
      }),
    control: z
      .string()
      .optional()
      .openapi({ description: "Beyond the contract. Default: `control` if a variant has that name, else the first" }),
    surfaces: z
      .array(z.enum(EXPERIMENT_SURFACES))
      .min(1)
      .default([...DEFAULT_SURFACES])
      .openapi({
        description:
          "Beyond the contract. Where the variant applies: search (/search), recommend (/recommend/{user_id}, /api/v1/recommendations), predict (/api/v1/predict with a `user_id`: the variant's `classifier_version` classifies). Default: search and recommend",
      }),
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default("default")
      .openapi({
        description:
          "Beyond the contract. Experiments of one namespace get disjoint user ranges, so they never share a user; experiments on a shared surface must share a namespace",
      }),
    coverage: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .openapi({ description: "Beyond the contract. The share of the namespace's users this experiment takes" }),
  })
  .strict()
  .superRefine((body, ctx) => {
    const variants = Object.keys(body.variants);
    const split = Object.keys(body.traffic_split);
    if (variants.length < 2)
      ctx.addIssue({ code: "custom", path: ["variants"], message: "an experiment needs at least 2 variants" });
    for (const name of split) {
      if (!(name in body.variants)) {
        ctx.addIssue({
          code: "custom",
          path: ["traffic_split", name],
          message: `traffic_split names unknown variant '${name}'`,
        });
      }
      const share = body.traffic_split[name]!;
      if (!(share > 0 && share <= 1)) {
        ctx.addIssue({ code: "custom", path: ["traffic_split", name], message: "each share must be in (0, 1]" });
      }
    }
    for (const name of variants) {
      if (!(name in body.traffic_split)) {
        ctx.addIssue({
          code: "custom",
          path: ["traffic_split"],
          message: `traffic_split has no share for variant '${name}'`,
        });
      }
    }
    const sum = split.reduce((s, k) => s + body.traffic_split[k]!, 0);
    if (Math.abs(sum - 1) > SPLIT_TOLERANCE) {
      ctx.addIssue({
        code: "custom",
        path: ["traffic_split"],
        message: `traffic_split must sum to 1 (it sums to ${sum})`,
      });
    }
    if (body.control !== undefined && !(body.control in body.variants)) {
      ctx.addIssue({ code: "custom", path: ["control"], message: `control names unknown variant '${body.control}'` });
    }
  })
  .openapi("CreateExperimentRequest", { example: EXPERIMENT_EXAMPLE });
export type CreateExperimentRequest = z.infer<typeof CreateExperimentRequest>;

export const ExperimentIdParam = z.object({
  experiment_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "experiment_id", in: "path" }, example: "exp_1f2e3d4c5b6a" }),
});

export const ExperimentCreated = z
  .object({ experiment_id: z.string(), name: z.string(), status: z.enum(EXPERIMENT_STATUSES), created_at: IsoDateTime })
  .openapi("ExperimentCreated");

export const Experiment = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(EXPERIMENT_STATUSES),
    traffic_split: z.record(z.string(), z.number()),
    variants: z.record(z.string(), z.object({ config: VariantConfig })),
    metrics: z.array(z.enum(EXPERIMENT_METRICS)),
    control: z.string(),
    surfaces: z.array(z.enum(EXPERIMENT_SURFACES)),
    namespace: z.string(),
    namespace_range: z.tuple([z.number(), z.number()]),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    completed_at: IsoDateTime.nullable(),
  })
  .openapi("Experiment");

/** GET /experiments (beyond the contract): the tenant's experiments, newest first, for the console's list. */
export const ListExperimentsQuery = paginationQuery(20).extend({
  status: z
    .enum(EXPERIMENT_STATUSES, { error: `status must be one of ${EXPERIMENT_STATUSES.join(", ")}` })
    .optional()
    .openapi({ param: { name: "status", in: "query" } }),
});

export const ExperimentList = z
  .object({
    experiments: z.array(Experiment),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("ExperimentList");

export const UpdateExperimentRequest = z
  .object({
    status: z.enum(EXPERIMENT_STATUSES).optional(),
    traffic_split: z.record(z.string(), z.number()).optional().openapi({
      description:
        "A new split over the same variants. Users already assigned keep their variant (sticky); only new users follow it",
    }),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.traffic_split !== undefined, "give status or traffic_split")
  .openapi("UpdateExperimentRequest", { example: { status: "paused" } });

export const AssignRequest = z
  .object({
    user_id: UserId,
    context: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("AssignRequest", {
    example: { user_id: "user_123", context: { query: "running shoes", source: "search" } },
  });

export const Assignment = z
  .object({
    variant: z.string(),
    config: VariantConfig,
    experiment_id: z.string(),
    in_experiment: z.boolean().openapi({
      description:
        "Beyond the contract. false when the user is outside the experiment's share of its namespace: the variant is then control's and nothing is recorded",
    }),
  })
  .openapi("Assignment");

const Interval = z.tuple([z.number(), z.number()]);
export const MetricComparison = z.object({
  difference: z.number(),
  relative_difference: z.number().nullable(),
  ci: Interval,
  p_value: z.number(),
  sequential_p_value: z.number(),
  significant: z.boolean(),
  cuped: z
    .object({ theta: z.number(), difference: z.number(), ci: Interval, p_value: z.number() })
    .nullable()
    .openapi({
      description:
        "CUPED-adjusted Welch test (covariate: the user's interactions in the 14 days before the experiment started); " +
        "null for cvr, or until every exposed user's covariate is recorded, or when it does not vary",
    }),
});

/** One metric: each variant's value under its own name (as the contract shows), the comparison, per-variant intervals. */
export const MetricResult = MetricComparison.extend({
  intervals: z.record(z.string(), Interval),
  comparisons: z.record(z.string(), MetricComparison),
})
  .catchall(z.number())
  .openapi("ExperimentMetric");

export const ExperimentResults = z
  .object({
    experiment_id: z.string(),
    status: z.enum(EXPERIMENT_STATUSES),
    sample_size: z.record(z.string(), z.number().int()),
    metrics: z.record(z.string(), MetricResult),
    winner: z.string().nullable(),
    recommendation: z.enum(["rollout", "keep_control", "continue"]),
    reason: z.string(),
    srm: z.object({
      checked: z.boolean(),
      chi_square: z.number(),
      p_value: z.number(),
      mismatch: z.boolean(),
      message: z.string(),
    }),
    method: z.object({ fixed: z.string(), sequential: z.string(), alpha: z.number(), correction: z.string() }),
    attribution_window_hours: z.number(),
  })
  .openapi("ExperimentResults");
