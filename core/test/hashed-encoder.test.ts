import { describe, expect, it } from "vitest";
import { encode, features, learnIdf, localEncoderVersion, tokenize } from "../text/hashed-encoder";

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("local hashed n-gram encoder", () => {
  it("tokenizes case-, accent- and punctuation-insensitively", () => {
    expect(tokenize("Crème BRÛLÉE, 2-for-1!")).toEqual(["creme", "brulee", "2", "for", "1"]);
    expect(features("ab")).toEqual(["w:ab", "c:<ab", "c:ab>", "c:<ab>"]);
  });

  it("is deterministic, unit-length and names itself honestly", () => {
    const a = encode("Overnight Duffle bag");
    expect(Array.from(a)).toEqual(Array.from(encode("Overnight Duffle bag")));
    expect(a).toHaveLength(128);
    expect(cos(a, a)).toBeCloseTo(1, 5);
    expect(Array.from(encode(""))).toEqual(new Array(128).fill(0));
    expect(localEncoderVersion()).toBe("local-hashed-ngram-idf-v1-d128");
  });

  it("puts related texts closer than unrelated ones, and tolerates typos through character n-grams", () => {
    const duffle = encode("Joust Duffle Bag for the gym and travel");
    expect(cos(duffle, encode("duffel bag for travel"))).toBeGreaterThan(
      cos(duffle, encode("stainless steel chronograph watch")),
    );
    expect(cos(encode("hoodie"), encode("hoodies"))).toBeGreaterThan(0.5);
  });

  it("IDF learned from a catalogue weighs rare words above common ones", () => {
    const catalogue = Array.from({ length: 50 }, (_, i) => `product ${i} for men and women`).concat([
      "yoga mat",
      "yoga strap",
    ]);
    const model = learnIdf(catalogue);
    expect(model.documents).toBe(52);
    const q = encode("yoga product", model);
    // With IDF the query is pulled towards the rare word: yoga items score above a generic product.
    expect(cos(q, encode("yoga mat", model))).toBeGreaterThan(cos(q, encode("product 7 for men and women", model)));
  });
});
