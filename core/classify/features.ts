import { fnvStep, mix, namespace } from "./hashing";

/**
 * Sparse hashed features of a headline (+ description): word 1-2-grams and character 2-5-grams
 * of the lowercased text, signed-hashed into 2^hash_bits buckets (Weinberger et al. 2009: the
 * sign keeps collisions unbiased), sublinear tf (1 + ln count), each family L2-normalised on
 * its own (after idf weighting, as TF-IDF does) so that a few hundred character n-grams do not drown a dozen words, then the whole
 * vector to unit length. An optional dense vector (a sentence embedding) is appended after the
 * hashed buckets, at rows 2^hash_bits .. 2^hash_bits + dense_dim of the weights.
 */
export type FeatureConfig = {
  hash_bits: number;
  word_ngrams: [number, number];
  char_ngrams: [number, number];
  /** Norm of the character n-gram block beside the word block's 1, before the whole vector is normalised. */
  char_weight: number;
  /** The headline's words again in a namespace of their own, so a word can weigh more in a headline. */
  headline_words: boolean;
  /** Character n-grams of the description too (its words always count). */
  description_chars: boolean;
  /** Weight of the description's counts beside the headline's (0 ignores descriptions). */
  description_weight: number;
  sublinear_tf: boolean;
  /** Scale each bucket by its smoothed inverse document frequency in the training rows (the model keeps them). */
  idf: boolean;
  /** Length of the appended dense vector; 0: none (the local default, see docs/decisions.md). */
  dense_dim: number;
};

export const DEFAULT_FEATURES: Readonly<FeatureConfig> = Object.freeze({
  hash_bits: 16,
  word_ngrams: [1, 2] as [number, number],
  char_ngrams: [2, 5] as [number, number],
  char_weight: 2,
  headline_words: false,
  description_chars: true,
  description_weight: 0.5,
  sublinear_tf: true,
  idf: true,
  dense_dim: 0,
});

/** A vector valid until the featuriser's next call (its arrays are the featuriser's scratch). */
export type SparseVector = { index: Int32Array; value: Float32Array; length: number };

const SPACE = 32;
const NS_WORD = namespace(1);
const NS_BIGRAM = namespace(2);
const NS_CHAR = namespace(3);
const NS_HEADLINE = namespace(4);

/** Letters and digits (ASCII and beyond Latin-1 punctuation); everything else separates words. */
const isWordUnit = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && !(c >= 0x2000 && c <= 0x206f));
/** Apostrophes join ("trump's" -> "trumps") rather than split off a one-letter word. */
const isApostrophe = (c: number) => c === 39 || c === 0x2019;

/**
 * One featuriser per model: it owns scratch arrays sized by the bucket count (allocated once,
 * reused by every call), so a prediction allocates only its lowercased strings.
 */
export class Featurizer {
  readonly buckets: number;
  private readonly mask: number;
  private readonly acc: Float32Array;
  private readonly stamp: Uint32Array;
  private generation = 1;
  private touched = new Int32Array(4096);
  private nTouched = 0;
  private codes = new Uint16Array(4096);
  private index = new Int32Array(4096);
  private value = new Float32Array(4096);
  private length = 0;

  /**
   * `idf`: one weight per bucket (the model's, from its training rows), required when the
   * config asks for idf; a featuriser without them (counting document frequencies) gives tf only.
   */
  constructor(
    readonly config: Readonly<FeatureConfig>,
    private readonly idf?: Float32Array,
  ) {
    if (!Number.isInteger(config.hash_bits) || config.hash_bits < 4 || config.hash_bits > 24)
      throw new Error(`hash_bits must be an integer from 4 to 24, got ${config.hash_bits}`);
    this.buckets = 2 ** config.hash_bits;
    this.mask = this.buckets - 1;
    this.acc = new Float32Array(this.buckets);
    this.stamp = new Uint32Array(this.buckets);
    if (idf && idf.length !== this.buckets)
      throw new Error(`idf holds ${idf.length} weights for ${this.buckets} buckets`);
  }

  /** Rows of the weight matrix: the hashed buckets, then the dense vector's. */
  get rows(): number {
    return this.buckets + this.config.dense_dim;
  }

  featurize(headline: string, description?: string, dense?: ArrayLike<number>): SparseVector {
    const { word_ngrams, char_ngrams, description_weight } = this.config;
    const desc = description && description_weight > 0 ? description : "";
    const spans = (headline.length + desc.length + 4) * (char_ngrams[1] - char_ngrams[0] + 1 + 2) + 8;
    this.reserve(spans + this.config.dense_dim);
    this.length = 0;
    const h = this.normalise(headline.toLowerCase(), 0);
    const d = desc ? this.normalise(desc.toLowerCase(), h) : h;
    if (word_ngrams[0] <= word_ngrams[1] && word_ngrams[1] >= 1) {
      this.words(0, h, 1, 0);
      if (this.config.headline_words) this.words(0, h, 1, NS_HEADLINE);
      if (d > h) this.words(h, d, description_weight, 0);
      this.flushBlock(1);
    }
    if (char_ngrams[0] <= char_ngrams[1]) {
      this.chars(0, h, 1);
      if (d > h && this.config.description_chars) this.chars(h, d, description_weight);
      this.flushBlock(this.config.char_weight);
    }
    this.normaliseAll();
    if (dense && this.config.dense_dim > 0) this.appendDense(dense);
    return { index: this.index, value: this.value, length: this.length };
  }

  private reserve(n: number): void {
    if (this.touched.length >= n) return;
    const size = 2 ** Math.ceil(Math.log2(n));
    this.touched = new Int32Array(size);
    this.codes = new Uint16Array(size);
    this.index = new Int32Array(size);
    this.value = new Float32Array(size);
  }

  /** Writes " w1 w2 ... " (single spaces, word units only) at `at`; returns the end. */
  private normalise(text: string, at: number): number {
    const codes = this.codes;
    let n = at;
    codes[n++] = SPACE;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isWordUnit(c)) codes[n++] = c;
      else if (!isApostrophe(c) && codes[n - 1] !== SPACE) codes[n++] = SPACE;
    }
    if (codes[n - 1] !== SPACE) codes[n++] = SPACE;
    return n;
  }

  private add(hash: number, weight: number): void {
    const m = mix(hash);
    const b = m & this.mask;
    const signed = m >>> 31 ? -weight : weight;
    if (this.stamp[b] !== this.generation) {
      this.stamp[b] = this.generation;
      this.acc[b] = signed;
      this.touched[this.nTouched++] = b;
    } else this.acc[b]! += signed;
  }

  private words(from: number, to: number, weight: number, salt: number): void {
    const [lo, hi] = this.config.word_ngrams;
    const codes = this.codes;
    let previous = 0;
    let start = from + 1;
    for (let i = from + 1; i < to; i++) {
      if (codes[i] !== SPACE) continue;
      if (i > start) {
        let hw = NS_WORD;
        for (let k = start; k < i; k++) hw = fnvStep(hw, codes[k]!);
        if (lo <= 1) this.add(hw ^ salt, weight);
        if (hi >= 2 && previous !== 0) this.add(fnvStep(fnvStep(NS_BIGRAM, previous), hw >>> 16) ^ hw ^ salt, weight);
        previous = hw | 1;
      }
      start = i + 1;
    }
  }

  private chars(from: number, to: number, weight: number): void {
    const [lo, hi] = this.config.char_ngrams;
    const codes = this.codes;
    for (let i = from; i < to; i++) {
      let hc = NS_CHAR;
      for (let n = 1; n <= hi && i + n <= to; n++) {
        hc = fnvStep(hc, codes[i + n - 1]!);
        if (n >= lo) this.add(hc, weight);
      }
    }
  }

  /** The touched buckets as one block of (index, value) of norm `norm`. */
  private flushBlock(norm: number): void {
    const start = this.length;
    let sumsq = 0;
    for (let t = 0; t < this.nTouched; t++) {
      const b = this.touched[t]!;
      const c = this.acc[b]!;
      if (c === 0) continue; // opposite signs cancelled
      const tf = this.config.sublinear_tf ? Math.sign(c) * (1 + Math.log(Math.abs(c))) : c;
      const v = this.idf ? tf * this.idf[b]! : tf;
      this.index[this.length] = b;
      this.value[this.length++] = v;
      sumsq += v * v;
    }
    if (sumsq > 0) {
      const s = norm / Math.sqrt(sumsq);
      for (let k = start; k < this.length; k++) this.value[k]! *= s;
    }
    this.nTouched = 0;
    this.generation = this.generation === 0xffffffff ? 1 : this.generation + 1;
    if (this.generation === 1) this.stamp.fill(0);
  }

  private normaliseAll(): void {
    let sumsq = 0;
    for (let k = 0; k < this.length; k++) sumsq += this.value[k]! * this.value[k]!;
    if (sumsq === 0) return;
    const s = 1 / Math.sqrt(sumsq);
    for (let k = 0; k < this.length; k++) this.value[k]! *= s;
  }

  private appendDense(dense: ArrayLike<number>): void {
    const dim = this.config.dense_dim;
    if (dense.length !== dim) throw new Error(`the dense vector has ${dense.length} values, the model takes ${dim}`);
    let sumsq = 0;
    for (let i = 0; i < dim; i++) sumsq += dense[i]! * dense[i]!;
    const s = sumsq > 0 ? 1 / Math.sqrt(sumsq) : 0;
    for (let i = 0; i < dim; i++) {
      this.index[this.length] = this.buckets + i;
      this.value[this.length++] = dense[i]! * s;
    }
  }
}

/**
 * Smoothed idf per bucket, 1 + ln((1 + n) / (1 + df)), from tf-only vectors of the training
 * rows (a bucket counts once per row however many n-grams hashed into it).
 */
export function bucketIdf(buckets: number, vectors: Iterable<SparseVector>): Float32Array {
  const df = new Float64Array(buckets);
  const seen = new Int32Array(buckets).fill(-1);
  let n = 0;
  for (const x of vectors) {
    for (let t = 0; t < x.length; t++) {
      const b = x.index[t]!;
      if (b < buckets && seen[b] !== n) {
        seen[b] = n;
        df[b]!++;
      }
    }
    n++;
  }
  const idf = new Float32Array(buckets);
  for (let b = 0; b < buckets; b++) idf[b] = 1 + Math.log((1 + n) / (1 + df[b]!));
  return idf;
}
