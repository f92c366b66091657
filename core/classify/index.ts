/** The text classifier (issue 16): labels and limits, stored rows, training, the artifact, prediction, evaluation. */
export {
  ClassifierDataError,
  DEFAULT_CATEGORIES,
  MAX_CATEGORIES,
  MAX_CATEGORY_LENGTH,
  MAX_DESCRIPTION,
  MAX_HEADLINE,
  type LabelledText,
} from "./labels";
export { decodeLabelledParquet, encodeLabelledParquet, labelledRowSchema, type StoredLabelledRow } from "./rows";
export { DEFAULT_FEATURES, Featurizer, type FeatureConfig, type SparseVector } from "./features";
export type { ClassifierModel } from "./model";
export { ClassifierArtifactError, decodeClassifier, encodeClassifier, CLASSIFIER_FORMAT_VERSION } from "./artifact";
export { predictText, type Prediction } from "./predict";
export { evaluateClassifier } from "./evaluate";
export {
  classificationMetrics,
  expectedCalibrationError,
  type CategoryMetrics,
  type ClassificationMetrics,
} from "./metrics";
export { splitStratified } from "./split";
export {
  trainClassifier,
  classWeights,
  DEFAULTS as TRAINING_DEFAULTS,
  type TrainedClassifier,
  type TrainOptions,
} from "./train";
export { searchAndFit, SEARCH_SPACE, SEARCH_DEFAULTS, type EpochReport, type Trial } from "./search";
export { packRows, SoftmaxSgd, type FeatureRows } from "./sgd";
