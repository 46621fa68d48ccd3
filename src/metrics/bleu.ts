// BLEU (Papineni et al., 2002): how many of a hypothesis's n-grams (n = 1..4) appear in its
// references, each n-gram's count clipped to the most times any one reference has it, pooled over
// the whole corpus, combined as a geometric mean and scaled down by a brevity penalty when the
// hypotheses are shorter than the references.

export interface BleuOptions {
  /** Longest n-gram (default 4: BLEU-1 … BLEU-4). */
  maxOrder?: number;
  /**
   * Add one to the matches and the totals of orders n ≥ 2 (Lin & Och 2004), so that a single
   * sentence without a matching 4-gram does not score 0. Default false (the original, corpus BLEU).
   */
  smooth?: boolean;
}

export interface BleuResult {
  /** BLEU-n for n = 1..maxOrder: scores[n − 1] = BP · exp((1/n) Σ_{k ≤ n} log p_k). */
  readonly scores: number[];
  /** BLEU-maxOrder (scores[maxOrder − 1]). */
  readonly bleu: number;
  /** Clipped n-gram precision p_n = matches[n − 1] / totals[n − 1] (1-based n). */
  readonly precisions: number[];
  readonly matches: number[];
  readonly totals: number[];
  /** BP = 1 if c > r, else exp(1 − r/c) (0 when c = 0). */
  readonly brevityPenalty: number;
  /** c: total hypothesis length. */
  readonly hypothesisLength: number;
  /** r: sum over sentences of the reference length closest to the hypothesis's (the shorter on a tie). */
  readonly referenceLength: number;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  // \u0001 cannot occur inside ordinary words, so joined keys never collide
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Corpus-level BLEU over tokenised sentences:
 *
 *   p_n = Σ_s Σ_{g ∈ n-grams(hyp_s)} min(count_hyp_s(g), max_ref count_ref(g)) / Σ_s |n-grams(hyp_s)|
 *   BLEU-N = BP · exp((1/N) Σ_{n ≤ N} log p_n),   BP = min(1, exp(1 − r/c))
 *
 * with c the total hypothesis length and r the total of each sentence's closest reference length.
 * Any p_n = 0 makes BLEU-N (N ≥ n) zero unless `smooth` is set.
 *
 * Inputs: hypotheses [S][tokens], references [S][refs ≥ 1][tokens].
 */
export function corpusBleu(
  hypotheses: readonly (readonly string[])[],
  references: readonly (readonly (readonly string[])[])[],
  options: BleuOptions = {},
): BleuResult {
  const maxOrder = options.maxOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new Error(`corpusBleu: expected maxOrder to be an integer >= 1, got ${maxOrder}`);
  if (hypotheses.length !== references.length) {
    throw new Error(`corpusBleu: expected one list of references per hypothesis (${hypotheses.length}), got ${references.length}`);
  }
  if (hypotheses.length === 0) throw new Error('corpusBleu: expected at least one hypothesis, got none');
  const matches = new Array<number>(maxOrder).fill(0), totals = new Array<number>(maxOrder).fill(0);
  let c = 0, r = 0;
  hypotheses.forEach((hyp, s) => {
    const refs = references[s];
    if (!Array.isArray(refs) || refs.length === 0) throw new Error(`corpusBleu: expected at least one reference for hypothesis ${s}, got none`);
    c += hyp.length;
    let best = refs[0].length;
    for (const ref of refs) {
      const d = Math.abs(ref.length - hyp.length), bd = Math.abs(best - hyp.length);
      if (d < bd || (d === bd && ref.length < best)) best = ref.length;
    }
    r += best;
    for (let n = 1; n <= maxOrder; n++) {
      const hc = ngramCounts(hyp, n);
      // the most times each n-gram occurs in any single reference
      const maxRef = new Map<string, number>();
      for (const ref of refs) for (const [g, k] of ngramCounts(ref, n)) if (k > (maxRef.get(g) ?? 0)) maxRef.set(g, k);
      for (const [g, k] of hc) matches[n - 1] += Math.min(k, maxRef.get(g) ?? 0);
      totals[n - 1] += Math.max(0, hyp.length - n + 1);
    }
  });
  const precisions = matches.map((m, i) => {
    if (options.smooth && i > 0) return (m + 1) / (totals[i] + 1);
    return totals[i] > 0 ? m / totals[i] : 0;
  });
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  const scores: number[] = [];
  let logSum = 0;
  for (let n = 1; n <= maxOrder; n++) {
    logSum += precisions[n - 1] > 0 ? Math.log(precisions[n - 1]) : -Infinity;
    scores.push(brevityPenalty === 0 || logSum === -Infinity ? 0 : brevityPenalty * Math.exp(logSum / n));
  }
  return {
    scores, bleu: scores[maxOrder - 1], precisions, matches, totals, brevityPenalty, hypothesisLength: c, referenceLength: r,
  };
}

/** BLEU of one sentence against its references (corpusBleu over a corpus of one). */
export function sentenceBleu(hypothesis: readonly string[], references: readonly (readonly string[])[], options: BleuOptions = {}): BleuResult {
  return corpusBleu([hypothesis], [references], options);
}
