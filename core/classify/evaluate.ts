import type { LabelledText } from "./labels";
import { classificationMetrics, type ClassificationMetrics } from "./metrics";
import type { ClassifierModel } from "./model";
import { predictText } from "./predict";

/**
 * A model's metrics on labelled rows (the evaluation routes' holdout or feedback sets). A
 * row whose category the model does not know counts as a miss of that category.
 */
export function evaluateClassifier(model: ClassifierModel, rows: readonly LabelledText[]): ClassificationMetrics {
  const predicted = rows.map((r) => predictText(model, r).category);
  return classificationMetrics(
    rows.map((r) => r.category),
    predicted,
    model.labels,
  );
}
