// The interface every decoding algorithm (greedy, sampling, beam search) runs against: something that,
// given the last token of each row, returns the next-token scores and advances its own state, and
// that can keep or duplicate rows when beam search reorders its hypotheses. A trained Seq2Seq
// provides one per source batch; tests build one by hand with probabilities they choose.

import type { FloatArray } from '../backend/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export interface StepDecoder {
  /** Rows currently decoded (B, or B·k during beam search). */
  readonly rows: number;
  /** Size V of the token vocabulary. */
  readonly vocabSize: number;
  /** Feeds prev [rows] (the last token of each row) and returns logits [rows·V] for the next token. */
  next(prev: Int32Array): FloatArray;
  /** Keeps rows idx[0], idx[1], … (repeats allowed) as the new rows 0, 1, …, with their states. */
  select(idx: Int32Array): void;
  /** The attention weights α of the last step, [rows, S], when the decoder attends (else absent or null). */
  readonly lastWeights?: Tensor | null;
}

/** log softmax of one row of logits, in float64. */
export function logSoftmaxRow(logits: ArrayLike<number>, offset: number, V: number, out: Float64Array): Float64Array {
  let m = -Infinity;
  for (let v = 0; v < V; v++) m = Math.max(m, logits[offset + v]);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp(logits[offset + v] - m);
  const lse = m + Math.log(s);
  for (let v = 0; v < V; v++) out[v] = logits[offset + v] - lse;
  return out;
}
