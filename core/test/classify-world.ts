import { Rng } from "../ml/random";
import type { LabelledText } from "../classify";

/**
 * Planted text worlds for the classifier's tests: each class owns a vocabulary of made-up
 * words; a text mixes `signal` of its class's words with words of a shared pool. With no noise
 * the classes are linearly separable; `flip` relabels that share of rows at random.
 */
export function plantedTexts(opts: {
  classes: string[];
  perClass: number[];
  signal: number;
  noise: number;
  flip?: number;
  seed: number;
}): LabelledText[] {
  const rng = new Rng(opts.seed);
  const word = (prefix: string, i: number) => `${prefix}${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}q`;
  const vocab = opts.classes.map((_, c) => Array.from({ length: 30 }, (_, i) => word(`k${c}x`, i)));
  const shared = Array.from({ length: 200 }, (_, i) => word("common", i));
  const rows: LabelledText[] = [];
  opts.classes.forEach((category, c) => {
    for (let n = 0; n < opts.perClass[c]!; n++) {
      const words: string[] = [];
      for (let s = 0; s < opts.signal; s++) words.push(vocab[c]![rng.int(30)]!);
      for (let s = 0; s < opts.noise; s++) words.push(shared[rng.int(200)]!);
      for (let i = words.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [words[i], words[j]] = [words[j]!, words[i]!];
      }
      const label = opts.flip && rng.next() < opts.flip ? opts.classes[rng.int(opts.classes.length)]! : category;
      rows.push({ headline: words.join(" "), category: label });
    }
  });
  return rows;
}

/** Small features for fast tests (2^12 buckets). */
export const SMALL = { hash_bits: 12 } as const;
