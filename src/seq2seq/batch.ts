// Batches of variable-length sequences: each row padded with PAD to the longest, with the true
// lengths kept beside it so that attention masks the padding and the encoder summary is read at
// each row's own last step. Targets come in two shifted copies: the decoder reads
// [BOS, y_1 … y_n] and learns to predict [y_1 … y_n, EOS].

import type { IndexTensor } from '../autograd/ops/gather.js';
import { BOS, EOS, PAD } from '../data/vocab.js';
import { maxOf } from '../tensor/large_arrays.js';

/** A padded batch: ids [B, S] (PAD past each row's end) and lengths [B]. */
export interface PaddedBatch {
  ids: IndexTensor;
  lengths: Int32Array;
}

/** Pads `seqs` (token ids) into a [B, max length] batch. Throws on an empty batch or an empty row. */
export function padBatch(seqs: readonly ArrayLike<number>[]): PaddedBatch {
  if (seqs.length === 0) throw new Error('expected a batch of at least one sequence, got none');
  const B = seqs.length;
  const lengths = new Int32Array(B);
  let S = 0;
  seqs.forEach((s, b) => {
    if (s.length === 0) throw new Error(`expected sequences of length >= 1, got an empty sequence at row ${b}`);
    lengths[b] = s.length;
    S = Math.max(S, s.length);
  });
  const data = new Int32Array(B * S).fill(PAD);
  seqs.forEach((s, b) => { for (let t = 0; t < s.length; t++) data[b * S + t] = s[t]; });
  return { ids: { data, shape: [B, S] }, lengths };
}

/** Decoder input [B, T] = BOS then the target, and output [B, T] = the target then EOS (T = longest + 1). */
export interface TargetBatch {
  input: IndexTensor;
  output: IndexTensor;
  /** Target lengths counting EOS: how many positions of each row count in the loss. */
  lengths: Int32Array;
}

/** Shifted decoder input and output for teacher forcing, PAD past each row's end. */
export function targetBatch(seqs: readonly ArrayLike<number>[]): TargetBatch {
  if (seqs.length === 0) throw new Error('expected a batch of at least one target, got none');
  const B = seqs.length;
  const T = maxOf(seqs.map((s) => s.length)) + 1;
  const input = new Int32Array(B * T).fill(PAD), output = new Int32Array(B * T).fill(PAD);
  const lengths = new Int32Array(B);
  seqs.forEach((s, b) => {
    input[b * T] = BOS;
    for (let t = 0; t < s.length; t++) { input[b * T + t + 1] = s[t]; output[b * T + t] = s[t]; }
    output[b * T + s.length] = EOS;
    lengths[b] = s.length + 1;
  });
  return { input: { data: input, shape: [B, T] }, output: { data: output, shape: [B, T] }, lengths };
}
