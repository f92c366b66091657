/**
 * The local text encoder: words, word bigrams and character 3-5-grams, hashed (FNV-1a,
 * with a sign bit to cancel collisions on average) into `dimensions` buckets, weighted by an
 * IDF learned from the tenant's catalogue, L2-normalised. Deterministic and dependency-free;
 * its model_version says exactly what it is, never a learned neural encoder.
 */
/**
 * 128 buckets: locally every shard of every tenant's index lives in the ingest worker's one
 * isolate (128 MB), so the local stand-in's vectors must be small for a 100k-item catalogue
 * to stay resident (about 60 MB at 128-d; 384-d would not fit and the isolate would restart
 * and reload on every query). Production uses Workers AI's 384-d bge.
 */
export const LOCAL_ENCODER_DIMENSIONS = 128;

export function localEncoderVersion(dimensions = LOCAL_ENCODER_DIMENSIONS): string {
  return `local-hashed-ngram-idf-v1-d${dimensions}`;
}

export function tokenize(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

/** Every feature of a text, with repeats (term frequency). */
export function features(text: string): string[] {
  const words = tokenize(text);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    out.push(`w:${w}`);
    if (i > 0) out.push(`b:${words[i - 1]} ${w}`);
    const padded = `<${w}>`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) out.push(`c:${padded.slice(j, j + n)}`);
    }
  }
  return out;
}

/** 32-bit FNV-1a. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Document frequencies per bucket, learned from a catalogue. Serializable as plain data. */
export type IdfModel = { dimensions: number; documents: number; df: number[] };

export function learnIdf(texts: Iterable<string>, dimensions = LOCAL_ENCODER_DIMENSIONS): IdfModel {
  const df = new Array<number>(dimensions).fill(0);
  let documents = 0;
  for (const text of texts) {
    documents++;
    const seen = new Set<number>();
    for (const f of features(text)) seen.add(fnv1a(f) % dimensions);
    for (const b of seen) df[b]!++;
  }
  return { dimensions, documents, df };
}

/** Smoothed IDF of a bucket; without a model every bucket weighs 1. */
function idf(model: IdfModel | undefined, bucket: number): number {
  if (!model || model.documents === 0) return 1;
  return Math.log((1 + model.documents) / (1 + model.df[bucket]!)) + 1;
}

export function encode(
  text: string,
  model?: IdfModel,
  dimensions = model?.dimensions ?? LOCAL_ENCODER_DIMENSIONS,
): Float32Array {
  const v = new Float32Array(dimensions);
  for (const f of features(text)) {
    const h = fnv1a(f);
    const bucket = h % dimensions;
    // The top bit decides the sign, so unrelated features sharing a bucket tend to cancel.
    v[bucket]! += (h & 0x80000000 ? -1 : 1) * idf(model, bucket);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dimensions; i++) v[i]! /= norm;
  return v;
}
