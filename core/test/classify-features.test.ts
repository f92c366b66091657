import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURES, Featurizer, type SparseVector } from "../classify";
import { bucketIdf } from "../classify/features";

const copy = (x: SparseVector) => {
  const m = new Map<number, number>();
  for (let t = 0; t < x.length; t++) m.set(x.index[t]!, (m.get(x.index[t]!) ?? 0) + x.value[t]!);
  return m;
};
const norm = (x: SparseVector) => Math.hypot(...Array.from(x.value.subarray(0, x.length)));

describe("hashed text features (core/classify/features.ts)", () => {
  const f = new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 14 });

  it("are deterministic: the same text gives the same vector, across featurisers and after other texts", () => {
    const a = copy(f.featurize("Senate Passes Budget Bill", "After a long night"));
    f.featurize("Something else entirely, with more words than the first", "and a description");
    const again = copy(f.featurize("Senate Passes Budget Bill", "After a long night"));
    const other = copy(
      new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 14 }).featurize(
        "Senate Passes Budget Bill",
        "After a long night",
      ),
    );
    expect(again).toEqual(a);
    expect(other).toEqual(a);
    expect(a.size).toBeGreaterThan(50);
  });

  it("lowercase, treat punctuation as a separator and join apostrophes; the vector has unit length", () => {
    expect(copy(f.featurize("Trump's  VETO!"))).toEqual(copy(f.featurize("trumps veto")));
    expect(norm(f.featurize("Trump's veto"))).toBeCloseTo(1, 5);
    expect(copy(f.featurize("Trump's veto"))).not.toEqual(copy(f.featurize("Trump's vote")));
  });

  it("count word 1-2-grams and character 2-5-grams: word order changes the bigrams only", () => {
    const wordsOnly = new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 16, char_ngrams: [2, 1], idf: false });
    const ab = copy(wordsOnly.featurize("alpha beta"));
    const ba = copy(wordsOnly.featurize("beta alpha"));
    expect(ab.size).toBe(3); // alpha, beta, "alpha beta"
    const shared = [...ab.keys()].filter((k) => ba.has(k));
    expect(shared.length).toBe(2);
    const charsOnly = new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 20, word_ngrams: [1, 0], idf: false });
    // " ab " has 3 bigrams, 2 trigrams, 1 four-gram (2^20 buckets: no collision among 6).
    expect(copy(charsOnly.featurize("ab")).size).toBe(6);
  });

  it("weigh the description by description_weight (0 ignores it) and append a dense vector after the buckets", () => {
    const noDesc = new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 14, description_weight: 0 });
    expect(copy(noDesc.featurize("budget bill", "long night"))).toEqual(copy(noDesc.featurize("budget bill")));
    const dense = new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 10, dense_dim: 3 });
    const x = dense.featurize("budget", undefined, [3, 0, 4]);
    expect(Array.from(x.index.subarray(x.length - 3, x.length))).toEqual([1024, 1025, 1026]);
    expect(Array.from(x.value.subarray(x.length - 3, x.length)).map((v) => +v.toFixed(5))).toEqual([0.6, 0, 0.8]);
    expect(() => dense.featurize("budget", undefined, [1, 2])).toThrow(/dense vector has 2 values, the model takes 3/);
  });

  it("idf: a bucket in every row weighs less than a rare one", () => {
    const tf = new Featurizer({ ...DEFAULT_FEATURES, hash_bits: 16, char_ngrams: [2, 1] });
    const texts = ["common alpha", "common beta", "common gamma", "common delta"];
    const idf = bucketIdf(tf.buckets, (function* () { for (const t of texts) yield tf.featurize(t); })()); // prettier-ignore
    const withIdf = new Featurizer(tf.config, idf);
    const v = copy(withIdf.featurize("common alpha"));
    const common = [...copy(tf.featurize("common"))][0]![0];
    const alpha = [...copy(tf.featurize("alpha"))][0]![0];
    expect(Math.abs(v.get(alpha)!)).toBeGreaterThan(Math.abs(v.get(common)!));
    expect(idf[common]).toBeCloseTo(1 + Math.log(5 / 5), 6);
    expect(idf[alpha]).toBeCloseTo(1 + Math.log(5 / 2), 6);
  });
});
