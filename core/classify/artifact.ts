import type { ClassifierModel } from "./model";

/**
 * `classifier.bin`: "EMLC", u32 format version, u32 header length, a JSON header (labels,
 * features, temperature, sizes), zero padding to a multiple of 4, then Float32 little-endian
 * bias[K], weights[rows x K] and, when the features use idf, idf[2^hash_bits]. Decoding parses the small header and views the floats in
 * place (no copy when the bytes are 4-aligned, as an R2 body's ArrayBuffer is): milliseconds
 * for a 10 MB model.
 */
const MAGIC = 0x434c4d45; // "EMLC" read as a little-endian u32
export const CLASSIFIER_FORMAT_VERSION = 1;

export class ClassifierArtifactError extends Error {}

type Header = Pick<ClassifierModel, "labels" | "features" | "temperature"> & { rows: number; idf: number };

export function encodeClassifier(model: ClassifierModel): Uint8Array {
  const k = model.labels.length;
  const rows = model.weights.length / k;
  const header = new TextEncoder().encode(
    JSON.stringify({
      labels: model.labels,
      features: model.features,
      temperature: model.temperature,
      rows,
      idf: model.idf?.length ?? 0,
    } satisfies Header),
  );
  const idf = model.idf?.length ?? 0;
  const floatsAt = Math.ceil((12 + header.length) / 4) * 4;
  const out = new Uint8Array(floatsAt + 4 * (k + model.weights.length + idf));
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, CLASSIFIER_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  const floats = new Float32Array(out.buffer, floatsAt, k + model.weights.length + idf);
  floats.set(model.bias, 0);
  floats.set(model.weights, k);
  if (model.idf) floats.set(model.idf, k + model.weights.length);
  return out;
}

export function decodeClassifier(bytes: ArrayBuffer | Uint8Array): ClassifierModel {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < 12) throw new ClassifierArtifactError("classifier artifact is truncated");
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new ClassifierArtifactError("not a classifier artifact (bad magic)");
  const version = view.getUint32(4, true);
  if (version !== CLASSIFIER_FORMAT_VERSION)
    throw new ClassifierArtifactError(`classifier artifact format ${version} is not supported`);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(12, 12 + length))) as Header;
  const k = header.labels.length;
  const floatsAt = Math.ceil((12 + length) / 4) * 4;
  const count = k + header.rows * k + header.idf;
  if (u8.length < floatsAt + 4 * count) throw new ClassifierArtifactError("classifier artifact is truncated");
  const at = u8.byteOffset + floatsAt;
  // A view when aligned; one copy otherwise (Float32Array needs 4-byte alignment).
  const floats =
    at % 4 === 0
      ? new Float32Array(u8.buffer, at, count)
      : new Float32Array(u8.slice(floatsAt, floatsAt + 4 * count).buffer);
  const end = k + header.rows * k;
  return {
    labels: header.labels,
    features: header.features,
    temperature: header.temperature,
    bias: floats.subarray(0, k),
    weights: floats.subarray(k, end),
    ...(header.idf ? { idf: floats.subarray(end) } : {}),
  };
}
