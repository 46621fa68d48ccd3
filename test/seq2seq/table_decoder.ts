// A hand-built StepDecoder for the decoding tests: each row's next-token probabilities are a function
// of the tokens it has produced so far, chosen by the test, so that the best sequence is known.

import type { StepDecoder } from '../../src/seq2seq/step_decoder.js';
import { BOS } from '../../src/data/vocab.js';

/** probs(row, prefix) → probabilities over the V tokens (zeros allowed). */
export type ProbTable = (row: number, prefix: readonly number[]) => number[];

export class TableDecoder implements StepDecoder {
  private prefixes: number[][];
  private source: number[];

  constructor(readonly vocabSize: number, rows: number, private readonly probs: ProbTable) {
    this.prefixes = Array.from({ length: rows }, () => []);
    this.source = Array.from({ length: rows }, (_, b) => b);
  }

  get rows(): number { return this.prefixes.length; }

  next(prev: Int32Array): Float64Array {
    const V = this.vocabSize, out = new Float64Array(this.rows * V);
    this.prefixes.forEach((p, r) => {
      if (!(prev[r] === BOS && p.length === 0)) p.push(prev[r]);
      const pr = this.probs(this.source[r], p);
      for (let v = 0; v < V; v++) out[r * V + v] = Math.log(pr[v]);
    });
    return out;
  }

  select(idx: Int32Array): void {
    this.prefixes = Array.from(idx, (i) => [...this.prefixes[i]]);
    this.source = Array.from(idx, (i) => this.source[i]);
  }
}

/** Every sequence ending in `eos` of at most maxLength tokens, with its probability (reference search). */
export function enumerate(probs: ProbTable, row: number, V: number, eos: number, maxLength: number): { tokens: number[]; p: number }[] {
  const out: { tokens: number[]; p: number }[] = [];
  const walk = (prefix: number[], p: number): void => {
    const pr = probs(row, prefix);
    for (let v = 0; v < V; v++) {
      if (pr[v] === 0) continue;
      if (v === eos) out.push({ tokens: prefix, p: p * pr[v] });
      else if (prefix.length + 1 < maxLength) walk([...prefix, v], p * pr[v]);
    }
  };
  walk([], 1);
  return out;
}
