/**
 * The metric families of `GET /metrics` (platform-api.md sections 4 and 7): names, labels,
 * types and what each means on Workers. Pure data, shared by the per-isolate accumulator, the
 * Metrics Durable Object that sums the isolates' batches, and the exposition.
 *
 * Cardinality is bounded by construction: `endpoint` is a route template (or "unmatched"),
 * `method` and `status_code` are few, `query_type`/`table` come from the SQL the code itself
 * writes, and `tenant_id` appears only on the ml_* families the contract gives it, capped at
 * MAX_TENANTS distinct tenants (the rest are summed under OTHER_TENANT).
 */
export type MetricType = "counter" | "gauge" | "histogram";

export type Family = {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Histogram bucket upper bounds, ascending (+Inf is implied). */
  buckets?: readonly number[];
};

/** Seconds: from a cached answer (sub-millisecond) to a slow cold ranking. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] as const;

/** Distinct tenants a tenant-labelled family keeps apart; later ones are summed as OTHER_TENANT. */
export const MAX_TENANTS = 200;
export const OTHER_TENANT = "_other";
/** Distinct series the Metrics object keeps in all; past it new series are dropped and counted. */
export const MAX_SERIES = 20_000;

/** Families counted by the workers (sent in batches, summed by the Metrics object). */
export const COUNTED = {
  httpRequests: {
    name: "http_requests_total",
    type: "counter",
    help: "HTTP requests answered, by route template (endpoint), method and status code.",
    labels: ["service", "endpoint", "method", "status_code"],
  },
  httpDuration: {
    name: "http_request_duration_seconds",
    type: "histogram",
    help: "Time from a request's arrival in the worker to its response being ready, in seconds.",
    labels: ["service", "endpoint", "method"],
    buckets: LATENCY_BUCKETS,
  },
  httpErrors: {
    name: "http_errors_total",
    type: "counter",
    help: "HTTP responses with a 4xx or 5xx status, by error_type: the error envelope's code (VALIDATION_ERROR, ...) or client_error/server_error without one.",
    labels: ["service", "endpoint", "error_type"],
  },
  dbQueries: {
    name: "db_queries_total",
    type: "counter",
    help: "D1 statements run, by query_type (select, insert, update, delete, other) and the first table named.",
    labels: ["service", "query_type", "table"],
  },
  dbDuration: {
    name: "db_query_duration_seconds",
    type: "histogram",
    help: "Wall time of a D1 statement as the worker saw it (a D1 batch counts once per statement, each timed as the whole batch), in seconds.",
    labels: ["service", "query_type", "table"],
    buckets: QUERY_BUCKETS,
  },
  cacheOperations: {
    name: "cache_operations_total",
    type: "counter",
    help: "Operations on the per-isolate caches: get (result hit or miss) and set (result stored, or rejected when an entry alone exceeds its cache's byte budget).",
    labels: ["service", "operation", "result"],
  },
  embeddingCache: {
    name: "ml_embedding_cache_operations_total",
    type: "counter",
    help: "Reads of item vectors through the per-isolate vector cache, per tenant (result hit or miss); ml_embedding_cache_hit_rate is derived from it.",
    labels: ["tenant_id", "result"],
  },
  annDuration: {
    name: "ml_ann_search_duration_seconds",
    type: "histogram",
    help: "Wall time of a nearest-neighbour query on a tenant's text index, in seconds; index_size is the index's vector count as a power-of-ten bucket (lt_1k, 1k_10k, 10k_100k, 100k_1m, ge_1m, or unknown until first described) so the label stays bounded.",
    labels: ["tenant_id", "index_size"],
    buckets: QUERY_BUCKETS,
  },
  recsPerRequest: {
    name: "ml_recommendations_per_request",
    type: "histogram",
    help: "Recommendations returned per recommendation request, per tenant.",
    labels: ["tenant_id"],
    buckets: [0, 1, 5, 10, 20, 50, 100],
  },
  seriesDropped: {
    name: "metrics_series_dropped_total",
    type: "counter",
    help: "Samples not kept because the Metrics object already held MAX_SERIES series (a bound on cardinality; should stay 0).",
    labels: [],
  },
} as const satisfies Record<string, Family>;

export type CountedKey = keyof typeof COUNTED;

/** Families the Metrics object derives or the scrape reads from D1. */
export const DERIVED = {
  httpActive: {
    name: "http_connections_active",
    type: "gauge",
    help: "Requests in flight (Workers hold no connections): the sum over isolates of the count each reported in its last batch, for isolates that reported within the last 60 s.",
    labels: ["service"],
  },
  cacheHitRate: {
    name: "cache_hit_rate",
    type: "gauge",
    help: "Hits over gets of the per-isolate caches since the Metrics object started counting (cache_operations_total, operation get).",
    labels: ["service"],
  },
  embeddingHitRate: {
    name: "ml_embedding_cache_hit_rate",
    type: "gauge",
    help: "Hits over reads of the per-isolate item-vector cache, per tenant, since counting started.",
    labels: ["tenant_id"],
  },
  quality: {
    name: "ml_recommendation_quality",
    type: "gauge",
    help: "Offline evaluation metrics of each tenant's production recommender version, read from D1 at scrape time.",
    labels: ["tenant_id", "model_version", "metric_name"],
  },
  trainingDuration: {
    name: "ml_training_duration_seconds",
    type: "gauge",
    help: "Duration of each tenant's latest completed training job per model type (started to finished), read from D1 at scrape time.",
    labels: ["tenant_id", "model_type"],
  },
  trainingLoss: {
    name: "ml_training_loss",
    type: "gauge",
    help: "Per-epoch training loss of the job that trained each tenant's latest completed version per model type, read from D1 at scrape time.",
    labels: ["tenant_id", "model_version", "epoch"],
  },
} as const satisfies Record<string, Family>;

/** The index_size label of an index holding `count` vectors (undefined: not described yet). */
export function indexSizeBucket(count: number | undefined): string {
  if (count === undefined) return "unknown";
  if (count < 1_000) return "lt_1k";
  if (count < 10_000) return "1k_10k";
  if (count < 100_000) return "10k_100k";
  if (count < 1_000_000) return "100k_1m";
  return "ge_1m";
}
