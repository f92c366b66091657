import type { FamilySamples, Sample } from "@edge-ml/core/metrics/exposition";
import { COUNTED, DERIVED, type Family } from "@edge-ml/core/metrics/families";
import { API_SERVICE } from "../../lib/logger";
import type { MetricsSnapshot } from "./metrics-object";
import type { ModelMetrics } from "./model-metrics";

/**
 * Every family of GET /metrics in the contract's order (section 7), from the Metrics object's
 * sums and D1's model metrics. The hit rates are derived here from the operation counters.
 */
export function buildExposition(snap: MetricsSnapshot, models: ModelMetrics): FamilySamples[] {
  const counters = (f: Family): Sample[] =>
    snap.counters.filter((c) => c.family === f.name).map((c) => ({ labels: c.labels, value: c.value }));
  const histograms = (f: Family) => snap.histograms.filter((h) => h.family === f.name);

  const cache = counters(COUNTED.cacheOperations).filter((s) => s.labels[1] === "get");
  const hitRate = hitRatio(cache, 0, 2);
  const embedding = counters(COUNTED.embeddingCache);
  const embeddingRate = hitRatio(embedding, 0, 1);

  const active = Object.keys(snap.active).length ? snap.active : { [API_SERVICE]: 0 };
  return [
    { family: COUNTED.httpRequests, samples: counters(COUNTED.httpRequests) },
    { family: COUNTED.httpDuration, histograms: histograms(COUNTED.httpDuration) },
    { family: COUNTED.httpErrors, samples: counters(COUNTED.httpErrors) },
    {
      family: DERIVED.httpActive,
      samples: Object.entries(active).map(([service, value]) => ({ labels: [service], value })),
    },
    { family: COUNTED.dbQueries, samples: counters(COUNTED.dbQueries) },
    { family: COUNTED.dbDuration, histograms: histograms(COUNTED.dbDuration) },
    { family: COUNTED.cacheOperations, samples: counters(COUNTED.cacheOperations) },
    { family: DERIVED.cacheHitRate, samples: hitRate },
    { family: DERIVED.quality, samples: models.quality },
    { family: DERIVED.trainingDuration, samples: models.trainingDuration },
    { family: DERIVED.trainingLoss, samples: models.trainingLoss },
    { family: DERIVED.embeddingHitRate, samples: embeddingRate },
    { family: COUNTED.embeddingCache, samples: embedding },
    { family: COUNTED.annDuration, histograms: histograms(COUNTED.annDuration) },
    { family: COUNTED.recsPerRequest, histograms: histograms(COUNTED.recsPerRequest) },
    {
      family: COUNTED.seriesDropped,
      samples: counters(COUNTED.seriesDropped).length ? counters(COUNTED.seriesDropped) : [{ labels: [], value: 0 }],
    },
  ];
}

/** Hits over all operations, per value of the label at `group` (`result` is the hit/miss label). */
function hitRatio(samples: Sample[], group: number, result: number): Sample[] {
  const by = new Map<string, { hits: number; all: number }>();
  for (const s of samples) {
    const key = s.labels[group]!;
    const t = by.get(key) ?? { hits: 0, all: 0 };
    t.all += s.value;
    if (s.labels[result] === "hit") t.hits += s.value;
    by.set(key, t);
  }
  return [...by].filter(([, t]) => t.all > 0).map(([key, t]) => ({ labels: [key], value: t.hits / t.all }));
}
