import { expectedCalibrationError } from "./metrics";

/**
 * Temperature scaling (Guo et al., ICML 2017): one scalar T dividing the logits, fitted by
 * minimising the validation negative log-likelihood. It changes confidences, never the argmax.
 * The NLL is unimodal in log T: a golden-section search over [0.05, 20] finds it in 40 steps.
 */
export function nllAt(logits: Float64Array, y: Int32Array, k: number, t: number): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const row = i * k;
    let top = -Infinity;
    for (let c = 0; c < k; c++) top = Math.max(top, logits[row + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((logits[row + c]! - top) / t);
    total += Math.log(sum) - (logits[row + y[i]!]! - top) / t;
  }
  return y.length ? total / y.length : 0;
}

export function fitTemperature(logits: Float64Array, y: Int32Array, k: number): number {
  if (y.length === 0) return 1;
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nllAt(logits, y, k, Math.exp(a));
  let fb = nllAt(logits, y, k, Math.exp(b));
  for (let step = 0; step < 40; step++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nllAt(logits, y, k, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nllAt(logits, y, k, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** ECE of the softmax of logits / t against labels y. */
export function eceAt(logits: Float64Array, y: Int32Array, k: number, t: number): number {
  const confidence = new Float64Array(y.length);
  const correct = new Array<boolean>(y.length);
  for (let i = 0; i < y.length; i++) {
    const row = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[row + c]! > logits[row + best]!) best = c;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((logits[row + c]! - logits[row + best]!) / t);
    confidence[i] = 1 / sum;
    correct[i] = best === y[i];
  }
  return expectedCalibrationError(confidence, correct);
}
